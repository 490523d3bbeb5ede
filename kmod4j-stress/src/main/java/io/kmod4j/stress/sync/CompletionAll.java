package io.kmod4j.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.stress.WakeUpWatch;
import io.kmod4j.sync.Completion;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * {@code completeAll()} and {@code reinit()} under races: a sticky completion stays sticky (every
 * wait succeeds, none takes anything) until {@code reinit()}, whatever else runs at the same time,
 * and {@code completeAll()} wakes every waiter, not just the first.
 */
public final class CompletionAll {

    private CompletionAll() {}

    /** r1, r2: tryAwait() results while completeAll() races; r3: whether it is sticky afterwards. */
    @JCStressTest
    @Outcome(id = {"0, 0, 1", "0, 1, 1", "1, 1, 1"}, expect = ACCEPTABLE, desc = "sticky from some point on")
    @Outcome(id = {"1, 0, 1"}, expect = FORBIDDEN, desc = "a success, then a failure: sticky undone")
    @Outcome(expect = FORBIDDEN, desc = "not sticky after completeAll()")
    @State
    public static class CompleteAllVsTryAwait {
        final Completion c = new Completion();

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

    /** A complete() racing with completeAll() must not break stickiness (no overflow, no count). */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sticky, and done")
    @Outcome(expect = FORBIDDEN, desc = "complete() broke the sticky state")
    @State
    public static class CompleteAllVsComplete {
        final Completion c = new Completion();

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

    /** reinit() racing with completeAll(): the end state is one of the two orders, never half of each. */
    @JCStressTest
    @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "reinit() then completeAll(): sticky")
    @Outcome(id = "false, false", expect = ACCEPTABLE, desc = "completeAll() then reinit(): empty")
    @Outcome(expect = FORBIDDEN, desc = "neither order")
    @State
    public static class ReinitVsCompleteAll {
        final Completion c = new Completion();

        @Actor
        public void all() {
            c.completeAll();
        }

        @Actor
        public void reinit() {
            c.reinit();
        }

        @Arbiter
        public void state(ZZ_Result r) {
            r.r1 = c.tryAwait();
            r.r2 = c.tryAwait();
        }
    }

    /**
     * completeAll() wakes every waiter, not just the first (it must grant every node in the
     * queue, not only the head). The first actor starts a second waiter on a virtual thread and waits
     * itself; the second actor lets both get close to sleeping, calls completeAll() and watches.
     * r1: 1 if the actor's own wait was not woken within a second; r2: 1 if the second waiter was
     * not.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "both waiters woke")
    @Outcome(expect = FORBIDDEN, desc = "a waiter was left asleep after completeAll()")
    @State
    public static class CompleteAllWakesEveryWaiter {
        final Completion c = new Completion();
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
            long giveUp = System.nanoTime() + 1_000_000; // at most 1 ms for both to reach their wait
            while (!(firstReady && secondReady) && System.nanoTime() - giveUp < 0) {
                Thread.onSpinWait();
            }
            c.completeAll();
            r.r1 = WakeUpWatch.lost(() -> firstWoke, () -> rescue(first));
            r.r2 = WakeUpWatch.lost(() -> secondWoke, () -> rescue(second));
        }

        /**
         * Lets a forgotten waiter go so that the run goes on: a token for a completion that is not
         * sticky after all, an unpark for one that is (the waiter re-checks and finds it sticky).
         */
        private void rescue(Thread waiter) {
            c.complete();
            LockSupport.unpark(waiter);
        }
    }
}
