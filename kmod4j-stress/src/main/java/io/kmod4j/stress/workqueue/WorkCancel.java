package io.kmod4j.stress.workqueue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code Work.cancelSync()} under races: it returns true if and only if the work was pending;
 * when it returns the function is not running, its last execution is visible, and it does not
 * run again unless queued again afterwards; a work that queues itself again is stopped too.
 */
public final class WorkCancel {

    private WorkCancel() {}

    /** See {@link Races.CancelSyncVsRun}. */
    @JCStressTest
    @Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "cancelled while pending: never ran")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "already started: cancelSync waited for it")
    @Outcome(id = "1, .*, .*, 1", expect = FORBIDDEN, desc = "true, yet the cancelled instance ran")
    @Outcome(id = "0, 0, .*, .*", expect = FORBIDDEN, desc = "false, yet the execution was not over (or not visible) on return")
    @Outcome(id = ".*, .*, 1, .*", expect = FORBIDDEN, desc = "the function was running when cancelSync returned")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class CancelSyncVsRun {
        final Races.CancelSyncVsRun s = new Races.CancelSyncVsRun(Impl.REAL);

        @Actor
        public void kworker() {
            s.kworker();
        }

        @Actor
        public void canceller(IIII_Result r) {
            s.canceller(r);
        }

        @Arbiter
        public void after(IIII_Result r) {
            s.arbiter(r);
        }
    }

    /** See {@link Races.CancelSyncVsSchedule}. */
    @JCStressTest
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "queued, then cancelled while pending: never ran")
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "cancelled before it was queued, or after it started: ran once")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "cancelSync said pending, yet that instance ran")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "queued and not cancelled, yet it never ran")
    @Outcome(id = "0, .*, .*", expect = FORBIDDEN, desc = "queueing an idle work failed")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class CancelSyncVsSchedule {
        final Races.CancelSyncVsSchedule s = new Races.CancelSyncVsSchedule(Impl.REAL);

        @Actor
        public void scheduleThenServe(III_Result r) {
            s.scheduleThenServe(r);
        }

        @Actor
        public void canceller(III_Result r) {
            s.canceller(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }

    /** See {@link Races.CancelSyncStopsSelfRequeue}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 0, 0"}, expect = ACCEPTABLE, desc = "idle on return, and never ran again")
    @Outcome(id = ".*, 1, .*", expect = FORBIDDEN, desc = "still pending or running when cancelSync returned")
    @Outcome(id = ".*, .*, [1-9]", expect = FORBIDDEN, desc = "ran again after cancelSync returned")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class CancelSyncStopsSelfRequeue {
        final Races.CancelSyncStopsSelfRequeue s = new Races.CancelSyncStopsSelfRequeue(Impl.REAL);

        @Actor
        public void kworker() {
            s.kworker();
        }

        @Actor
        public void canceller(III_Result r) {
            s.canceller(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }

    /** See {@link Races.DelayedCancelSyncVsTimer}: the same claims for a delayed work whose timer fires meanwhile. */
    @JCStressTest
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "cancelled while pending (timer armed, or queued): never ran")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "already started: cancelSync waited for it")
    @Outcome(id = "1, .*, 1", expect = FORBIDDEN, desc = "true, yet the cancelled instance ran")
    @Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "false, yet the execution was not over (or not visible) on return")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class DelayedCancelSyncVsTimer {
        final Races.DelayedCancelSyncVsTimer s = new Races.DelayedCancelSyncVsTimer(Impl.REAL);

        @Actor
        public void clockAndKworker() {
            s.clockAndKworker();
        }

        @Actor
        public void canceller(III_Result r) {
            s.canceller(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }
}
