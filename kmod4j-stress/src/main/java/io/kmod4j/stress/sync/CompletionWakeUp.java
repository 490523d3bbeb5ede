package io.kmod4j.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.stress.WakeUpWatch;
import io.kmod4j.sync.Completion;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * No lost wake-up: a {@code complete()} that races with a waiter going to sleep always ends the
 * wait. The waiter and the completer start together, so the token lands anywhere in the waiter's
 * check-queue-park sequence; the completer then watches for the waiter to wake
 * ({@link WakeUpWatch}). One test per wait variant, because each reaches the queue by its own path
 * (untimed uninterruptible, untimed interruptible, timed uninterruptible, timed interruptible).
 * The timed waits use an hour so that their final re-check after a timeout cannot hide a lost
 * wake-up.
 *
 * <p>r1 is 1 if the waiter was not woken within a second of the {@code complete()}.
 */
public final class CompletionWakeUp {

    private CompletionWakeUp() {}

    static final Duration LONG = Duration.ofHours(1);

    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "woken")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "lost wake-up: the waiter slept on after complete()")
    @State
    public static class AwaitUninterruptibly {
        final Completion c = new Completion();
        volatile boolean woke;

        @Actor
        public void waiter() {
            c.awaitUninterruptibly();
            woke = true;
        }

        @Actor
        public void completer(I_Result r) {
            c.complete();
            r.r1 = WakeUpWatch.lost(() -> woke, c::complete);
        }
    }

    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "woken")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "lost wake-up: the waiter slept on after complete()")
    @State
    public static class Await {
        final Completion c = new Completion();
        volatile boolean woke;

        @Actor
        public void waiter() {
            try {
                c.await();
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts this actor", e);
            }
            woke = true;
        }

        @Actor
        public void completer(I_Result r) {
            c.complete();
            r.r1 = WakeUpWatch.lost(() -> woke, c::complete);
        }
    }

    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "woken")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "lost wake-up: the waiter slept on after complete()")
    @State
    public static class AwaitUninterruptiblyTimed {
        final Completion c = new Completion();
        volatile boolean woke;

        @Actor
        public void waiter() {
            if (!c.awaitUninterruptibly(LONG)) {
                throw new AssertionError("an hour passed");
            }
            woke = true;
        }

        @Actor
        public void completer(I_Result r) {
            c.complete();
            r.r1 = WakeUpWatch.lost(() -> woke, c::complete);
        }
    }

    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "woken")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "lost wake-up: the waiter slept on after complete()")
    @State
    public static class AwaitTimed {
        final Completion c = new Completion();
        volatile boolean woke;

        @Actor
        public void waiter() {
            try {
                if (!c.await(LONG)) {
                    throw new AssertionError("an hour passed");
                }
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts this actor", e);
            }
            woke = true;
        }

        @Actor
        public void completer(I_Result r) {
            c.complete();
            r.r1 = WakeUpWatch.lost(() -> woke, c::complete);
        }
    }
}
