package io.kmod4j.stress.canary;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.stress.WakeUpWatch;
import io.kmod4j.stress.canary.CanaryCompletion.Bug;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Canaries for the Completion tests in {@code io.kmod4j.stress.sync}: each class repeats one real
 * test, with the same actors and outcomes, against a {@link CanaryCompletion} with a planted bug.
 * Every one of them must FAIL; {@code scripts/stress.sh --canaries} checks that it does. The class
 * name says which real test it mirrors and which bug it plants.
 */
public final class CanaryCompletionTests {

    private CanaryCompletionTests() {}

    /**
     * The lost-wake-up watchdog's patience for canaries: 100 ms, not the real tests' second, because
     * every wake-up the planted bug loses costs the run the whole patience.
     */
    static final long CANARY_PATIENCE_NANOS = 100_000_000L;

    static int drain(CanaryCompletion c) {
        int n = 0;
        while (n < 100 && c.tryAwait()) {
            n++;
        }
        return n;
    }

    /** Mirrors CompletionCounting.CompleteVsComplete. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both tokens counted")
    @Outcome(expect = FORBIDDEN, desc = "miscounted")
    @State
    public static class CompleteVsComplete_NonAtomicComplete {
        final CanaryCompletion c = new CanaryCompletion(Bug.NON_ATOMIC_COMPLETE);

        @Actor
        public void completer1() {
            c.complete();
        }

        @Actor
        public void completer2() {
            c.complete();
        }

        @Arbiter
        public void left(I_Result r) {
            r.r1 = drain(c);
        }
    }

    /** Mirrors CompletionCounting.TryAwaitVsTryAwait. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 1, 0"}, expect = ACCEPTABLE, desc = "exactly one took the only token")
    @Outcome(expect = FORBIDDEN, desc = "miscounted")
    @State
    public static class TryAwaitVsTryAwait_NonAtomicTake {
        final CanaryCompletion c = new CanaryCompletion(Bug.NON_ATOMIC_TAKE);

        public TryAwaitVsTryAwait_NonAtomicTake() {
            c.complete();
        }

        @Actor
        public void taker1(III_Result r) {
            r.r1 = c.tryAwait() ? 1 : 0;
        }

        @Actor
        public void taker2(III_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void left(III_Result r) {
            r.r3 = drain(c);
        }
    }

    /** Mirrors CompletionCounting.CompleteVsTryAwait. */
    @JCStressTest
    @Outcome(id = {"0, 0, 2", "1, 0, 1", "0, 1, 1", "1, 1, 0"}, expect = ACCEPTABLE, desc = "taken + left = 2 given")
    @Outcome(expect = FORBIDDEN, desc = "a token lost or double-counted")
    @State
    public static class CompleteVsTryAwait_NonAtomicTake {
        final CanaryCompletion c = new CanaryCompletion(Bug.NON_ATOMIC_TAKE);

        @Actor
        public void completer() {
            c.complete();
            c.complete();
        }

        @Actor
        public void taker(III_Result r) {
            r.r1 = c.tryAwait() ? 1 : 0;
            r.r2 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void left(III_Result r) {
            r.r3 = drain(c);
        }
    }

    /** Mirrors CompletionCounting.CompleteVsAwait. */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "the wait took one of two tokens")
    @Outcome(expect = FORBIDDEN, desc = "miscounted")
    @State
    public static class CompleteVsAwait_WaitTakesNothing {
        final CanaryCompletion c = new CanaryCompletion(Bug.WAIT_TAKES_NOTHING);

        @Actor
        public void completer() {
            c.complete();
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            c.awaitUninterruptibly();
            r.r1 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = drain(c);
        }
    }

    /** Mirrors CompletionCounting.CrossedWaiters (both waits uninterruptible: the copy has only that one). */
    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "two given, two taken")
    @Outcome(expect = FORBIDDEN, desc = "a token left over")
    @State
    public static class CrossedWaiters_WaitTakesNothing {
        final CanaryCompletion c = new CanaryCompletion(Bug.WAIT_TAKES_NOTHING);

        @Actor
        public void first() {
            c.complete();
            c.awaitUninterruptibly();
        }

        @Actor
        public void second() {
            c.complete();
            c.awaitUninterruptibly();
        }

        @Arbiter
        public void left(I_Result r) {
            r.r1 = drain(c);
        }
    }

    /** Mirrors CompletionAll.CompleteAllVsTryAwait. */
    @JCStressTest
    @Outcome(id = {"0, 0, 1", "0, 1, 1", "1, 1, 1"}, expect = ACCEPTABLE, desc = "sticky from some point on")
    @Outcome(expect = FORBIDDEN, desc = "not sticky after completeAll()")
    @State
    public static class CompleteAllVsTryAwait_CompleteAllIsComplete {
        final CanaryCompletion c = new CanaryCompletion(Bug.COMPLETE_ALL_IS_COMPLETE);

        @Actor
        public void completer() {
            c.completeAll();
        }

        @Actor
        public void taker(III_Result r) {
            r.r1 = c.tryAwait() ? 1 : 0;
            r.r2 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void sticky(III_Result r) {
            r.r3 = c.tryAwait() && c.tryAwait() && c.tryAwait() && c.isDone() ? 1 : 0;
        }
    }

    /** Mirrors CompletionAll.CompleteAllVsComplete. */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sticky, and done")
    @Outcome(expect = FORBIDDEN, desc = "complete() broke the sticky state")
    @State
    public static class CompleteAllVsComplete_CompleteResetsSticky {
        final CanaryCompletion c = new CanaryCompletion(Bug.COMPLETE_RESETS_STICKY);

        @Actor
        public void all() {
            c.completeAll();
        }

        @Actor
        public void one() {
            c.complete();
            c.complete();
        }

        @Arbiter
        public void sticky(II_Result r) {
            boolean all = true;
            for (int i = 0; i < 5; i++) {
                all &= c.tryAwait();
            }
            r.r1 = all ? 1 : 0;
            r.r2 = c.isDone() ? 1 : 0;
        }
    }

    /** Mirrors CompletionAll.CompleteAllWakesEveryWaiter. */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "both waiters woke")
    @Outcome(expect = FORBIDDEN, desc = "a waiter was left asleep after completeAll()")
    @State
    public static class CompleteAllWakesEveryWaiter_TokensForQueued {
        final CanaryCompletion c = new CanaryCompletion(Bug.TOKENS_FOR_QUEUED);
        volatile boolean firstReady;
        volatile boolean secondReady;
        volatile boolean firstWoke;
        volatile boolean secondWoke;
        volatile Thread first;
        volatile Thread second;

        @Actor
        public void waiters() {
            first = Thread.currentThread();
            second = Thread.ofVirtual().start(() -> {
                secondReady = true;
                c.awaitUninterruptibly();
                secondWoke = true;
            });
            firstReady = true;
            c.awaitUninterruptibly();
            firstWoke = true;
        }

        @Actor
        public void completer(II_Result r) {
            long giveUp = System.nanoTime() + 1_000_000;
            while (!(firstReady && secondReady) && System.nanoTime() - giveUp < 0) {
                Thread.onSpinWait();
            }
            c.completeAll();
            r.r1 = WakeUpWatch.lost(() -> firstWoke, () -> rescue(first), CANARY_PATIENCE_NANOS);
            r.r2 = WakeUpWatch.lost(() -> secondWoke, () -> rescue(second), CANARY_PATIENCE_NANOS);
        }

        private void rescue(Thread waiter) {
            c.complete();
            LockSupport.unpark(waiter);
        }
    }

    /** Mirrors CompletionWakeUp.AwaitUninterruptibly. */
    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "woken")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "lost wake-up: the waiter slept on after complete()")
    @State
    public static class AwaitUninterruptibly_LostWakeUp {
        final CanaryCompletion c = new CanaryCompletion(Bug.LOST_WAKEUP);
        volatile boolean woke;

        @Actor
        public void waiter() {
            c.awaitUninterruptibly();
            woke = true;
        }

        @Actor
        public void completer(I_Result r) {
            c.complete();
            r.r1 = WakeUpWatch.lost(() -> woke, c::complete, CANARY_PATIENCE_NANOS);
        }
    }

    /** Mirrors CompletionTimeout.OneMicrosecond. */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "taken, or left")
    @Outcome(expect = FORBIDDEN, desc = "lost or double-counted")
    @State
    public static class OneMicrosecond_TimeoutReportsPresence {
        final CanaryCompletion c = new CanaryCompletion(Bug.TIMEOUT_REPORTS_PRESENCE);

        @Actor
        public void completer() {
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = c.awaitUninterruptibly(Duration.ofNanos(1_000)) ? 1 : 0;
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }
    }

    /** Mirrors CompletionTimeout.FiftyMicroseconds. */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "taken, or left")
    @Outcome(expect = FORBIDDEN, desc = "lost or double-counted")
    @State
    public static class FiftyMicroseconds_TimeoutDropsToken {
        final CanaryCompletion c = new CanaryCompletion(Bug.TIMEOUT_DROPS_TOKEN);

        @Actor
        public void completer() {
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = c.awaitUninterruptibly(Duration.ofNanos(50_000)) ? 1 : 0;
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }
    }
}
