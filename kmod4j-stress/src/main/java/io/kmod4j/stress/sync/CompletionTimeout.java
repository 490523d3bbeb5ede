package io.kmod4j.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.sync.Completion;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Timeout versus complete: a token that arrives as a timed wait ends is either taken and reported
 * {@code true}, or left for others; never lost (taken but reported {@code false}) and never
 * double-counted (reported {@code true} but still there).
 *
 * <p>The timeouts are short so that the deadline falls while {@code complete()} is in flight:
 * zero (the no-block path), one microsecond (the deadline passes while the waiter is still queuing
 * or just parked) and fifty microseconds (a real park that the deadline or the token ends). Both the uninterruptible
 * and the interruptible timed waits are covered; they share one routine, but a bug could be in
 * either wrapper.
 */
public final class CompletionTimeout {

    private CompletionTimeout() {}

    static final Duration ZERO = Duration.ZERO;
    static final Duration ONE_MICRO = Duration.ofNanos(1_000);
    static final Duration FIFTY_MICROS = Duration.ofNanos(50_000);

    static int waitUninterruptibly(Completion c, Duration timeout) {
        return c.awaitUninterruptibly(timeout) ? 1 : 0;
    }

    static int waitInterruptibly(Completion c, Duration timeout) {
        try {
            return c.await(timeout) ? 1 : 0;
        } catch (InterruptedException e) {
            throw new AssertionError("nobody interrupts this actor", e);
        }
    }

    /** A zero timeout: take a token if there is one, never block. r1: the wait's answer; r2: whether the token was still there afterwards. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the wait took the token")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the wait timed out; the token is left")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "token lost: taken but reported as a timeout")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double-counted: reported taken but still there")
    @State
    public static class ZeroTimeout {
        final Completion c = new Completion();

        @Actor
        public void completer() {
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = waitUninterruptibly(c, ZERO);
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }
    }

    /** Uninterruptible, one microsecond. r1: the wait's answer; r2: whether the token was still there afterwards. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the wait took the token")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the wait timed out; the token is left")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "token lost: taken but reported as a timeout")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double-counted: reported taken but still there")
    @State
    public static class OneMicrosecond {
        final Completion c = new Completion();

        @Actor
        public void completer() {
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = waitUninterruptibly(c, ONE_MICRO);
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }
    }

    /** Uninterruptible, fifty microseconds. r1: the wait's answer; r2: whether the token was still there afterwards. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the wait took the token")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the wait timed out; the token is left")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "token lost: taken but reported as a timeout")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double-counted: reported taken but still there")
    @State
    public static class FiftyMicroseconds {
        final Completion c = new Completion();

        @Actor
        public void completer() {
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = waitUninterruptibly(c, FIFTY_MICROS);
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }
    }

    /** Interruptible, one microsecond. r1: the wait's answer; r2: whether the token was still there afterwards. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the wait took the token")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the wait timed out; the token is left")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "token lost: taken but reported as a timeout")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double-counted: reported taken but still there")
    @State
    public static class InterruptibleOneMicrosecond {
        final Completion c = new Completion();

        @Actor
        public void completer() {
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = waitInterruptibly(c, ONE_MICRO);
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }
    }

    /** Interruptible, fifty microseconds. r1: the wait's answer; r2: whether the token was still there afterwards. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the wait took the token")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the wait timed out; the token is left")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "token lost: taken but reported as a timeout")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double-counted: reported taken but still there")
    @State
    public static class InterruptibleFiftyMicroseconds {
        final Completion c = new Completion();

        @Actor
        public void completer() {
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = waitInterruptibly(c, FIFTY_MICROS);
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }
    }

    /**
     * Two timed waiters, one token, given by one of them just before it waits: r1 and r2 are the
     * waits' answers, r3 whether the token is left. Exactly one of the three holds it.
     */
    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 1, 0", "0, 0, 1"}, expect = ACCEPTABLE, desc = "the one token is in one place")
    @Outcome(expect = FORBIDDEN, desc = "the token was lost or counted twice")
    @State
    public static class TwoWaitersOneToken {
        final Completion c = new Completion();

        @Actor
        public void waiter(III_Result r) {
            r.r1 = waitUninterruptibly(c, FIFTY_MICROS);
        }

        @Actor
        public void completerThenWaiter(III_Result r) {
            c.complete();
            r.r2 = waitInterruptibly(c, ONE_MICRO);
        }

        @Arbiter
        public void left(III_Result r) {
            r.r3 = c.tryAwait() ? 1 : 0;
        }
    }

    /**
     * A waiter giving up while two tokens arrive and one is taken at once: r1 is the wait's
     * answer, r2 the {@code tryAwait()} right after the second {@code complete()}, r3 the tokens
     * left. Two tokens given, so r1 + r2 + r3 is 2. Catches a waiter that locks the queue to leave
     * after the first {@code complete()} granted it and the second counted a token: while it
     * holds the lock over that count, the {@code tryAwait()} takes the token, and the unlock puts
     * it back. Two actors, not three: jcstress skips a test with more actors than CPUs.
     */
    @JCStressTest
    @Outcome(id = {"1, 1, 0", "1, 0, 1", "0, 1, 1", "0, 0, 2"}, expect = ACCEPTABLE, desc = "two tokens given, two accounted for")
    @Outcome(expect = FORBIDDEN, desc = "a token was lost or counted twice")
    @State
    public static class LeaveVsCompleteAndTake {
        final Completion c = new Completion();

        @Actor
        public void waiter(III_Result r) {
            r.r1 = waitUninterruptibly(c, ONE_MICRO);
        }

        @Actor
        public void completeTwiceThenTake(III_Result r) {
            c.complete();
            c.complete();
            r.r2 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void left(III_Result r) {
            int n = 0;
            while (n < 3 && c.tryAwait()) {
                n++;
            }
            r.r3 = n;
        }
    }
}
