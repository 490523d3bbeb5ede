package io.kmod4j.stress.canary;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.stress.workqueue.Body;
import io.kmod4j.stress.workqueue.Impl;
import io.kmod4j.stress.workqueue.Races;
import io.kmod4j.stress.workqueue.Rig;
import io.kmod4j.stress.workqueue.TimerSubject;
import io.kmod4j.stress.workqueue.WorkSubject;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Canaries for the workqueue tests in {@code io.kmod4j.stress.workqueue}: each class runs one
 * real test's race ({@link Races}) on a {@link CanaryWork} or {@link CanaryKTimer} with a planted
 * bug, named after the test and the bug. Every one of them must FAIL;
 * {@code scripts/stress.sh --canaries} checks that it does.
 */
public final class CanaryWorkqueueTests {

    private CanaryWorkqueueTests() {}

    /** Work items are {@link CanaryWork}s with {@code bug}; no timers. */
    static Impl work(CanaryWork.Bug bug) {
        return new Impl() {
            @Override
            public WorkSubject work(Rig rig, Body body) {
                return new CanaryWork(bug, body, rig.kworker, rig.clock);
            }

            @Override
            public WorkSubject delayedWork(Rig rig, Body body) {
                return new CanaryWork(bug, body, rig.kworker, rig.clock);
            }

            @Override
            public TimerSubject timer(Rig rig, Body body) {
                throw new UnsupportedOperationException("a work canary");
            }
        };
    }

    /** Timers are {@link CanaryKTimer}s with {@code bug}; no work items. */
    static Impl timer(CanaryKTimer.Bug bug) {
        return new Impl() {
            @Override
            public WorkSubject work(Rig rig, Body body) {
                throw new UnsupportedOperationException("a timer canary");
            }

            @Override
            public WorkSubject delayedWork(Rig rig, Body body) {
                throw new UnsupportedOperationException("a timer canary");
            }

            @Override
            public TimerSubject timer(Rig rig, Body body) {
                return new CanaryKTimer(bug, body, rig.kworker, rig.clock);
            }
        };
    }


    /** Mirrors {@code WorkSchedule.ScheduleVsSchedule}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE, desc = "one queued it, the other found it pending; it ran once")
    @Outcome(expect = FORBIDDEN, desc = "queued twice, or not exactly once")
    @State
    public static class ScheduleVsSchedule_ScheduleCheckThenAct {
        final Races.ScheduleVsSchedule s = new Races.ScheduleVsSchedule(work(CanaryWork.Bug.SCHEDULE_CHECK_THEN_ACT));

        @Actor
        public void first(III_Result r) {
            s.first(r);
        }

        @Actor
        public void second(III_Result r) {
            s.second(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }

    /** Mirrors {@code WorkSchedule.RequeueWhileRunning}. */
    @JCStressTest
    @Outcome(id = {"1, 2, 0", "0, 1, 0"}, expect = ACCEPTABLE, desc = "one execution after the other, or coalesced")
    @Outcome(expect = FORBIDDEN, desc = "executions overlapped, or one was lost or added")
    @State
    public static class RequeueWhileRunning_NoHandoff {
        final Races.RequeueWhileRunning s = new Races.RequeueWhileRunning(work(CanaryWork.Bug.NO_HANDOFF));

        @Actor
        public void kworker() {
            s.kworker();
        }

        @Actor
        public void scheduleThenServe(III_Result r) {
            s.scheduleThenServe(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }

    /** Mirrors {@code WorkCancel.CancelSyncVsRun}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0, 0", "0, 1, 0, 1"}, expect = ACCEPTABLE, desc = "cancelled while pending, or waited for")
    @Outcome(expect = FORBIDDEN, desc = "returned while the function ran, or ran after true")
    @State
    public static class CancelSyncVsRun_CancelSyncDoesNotWait {
        final Races.CancelSyncVsRun s = new Races.CancelSyncVsRun(work(CanaryWork.Bug.CANCEL_SYNC_DOES_NOT_WAIT));

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

    /** Mirrors {@code WorkCancel.CancelSyncVsSchedule}. */
    @JCStressTest
    @Outcome(id = {"1, 1, 0", "1, 0, 1"}, expect = ACCEPTABLE, desc = "runs if and only if not cancelled while pending")
    @Outcome(expect = FORBIDDEN, desc = "a cancelled instance ran, or a queued one was lost")
    @State
    public static class CancelSyncVsSchedule_StaleEntryRuns {
        final Races.CancelSyncVsSchedule s = new Races.CancelSyncVsSchedule(work(CanaryWork.Bug.STALE_ENTRY_RUNS));

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

    /** Mirrors {@code WorkCancel.CancelSyncStopsSelfRequeue}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 0, 0"}, expect = ACCEPTABLE, desc = "idle on return, and never ran again")
    @Outcome(expect = FORBIDDEN, desc = "busy on return, or ran again")
    @State
    public static class CancelSyncStopsSelfRequeue_CancelSyncAllowsRequeue {
        final Races.CancelSyncStopsSelfRequeue s = new Races.CancelSyncStopsSelfRequeue(work(CanaryWork.Bug.CANCEL_SYNC_ALLOWS_REQUEUE));

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

    /** Mirrors {@code WorkCancel.DelayedCancelSyncVsTimer}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 1, 1"}, expect = ACCEPTABLE, desc = "cancelled while pending, or waited for")
    @Outcome(expect = FORBIDDEN, desc = "a cancelled instance ran, or cancelSync returned too early")
    @State
    public static class DelayedCancelSyncVsTimer_TimerIgnoresToken {
        final Races.DelayedCancelSyncVsTimer s = new Races.DelayedCancelSyncVsTimer(work(CanaryWork.Bug.TIMER_IGNORES_TOKEN));

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

    /** Mirrors {@code WorkFlush.FlushAfterRequeue}. */
    @JCStressTest
    @Outcome(id = {"0, 1, 1, 1", "1, 1, 2, 2", "0, 0, 1, 1", "1, 0, 2, 2"}, expect = ACCEPTABLE,
            desc = "every instance queued before flush had run, and was visible, when it returned")
    @Outcome(expect = FORBIDDEN, desc = "flush returned before the instance queued before it had run")
    @State
    public static class FlushAfterRequeue_FlushWaitsForRunningOnly {
        final Races.FlushAfterRequeue s = new Races.FlushAfterRequeue(work(CanaryWork.Bug.FLUSH_WAITS_FOR_RUNNING_ONLY));

        @Actor
        public void kworker() {
            s.kworker();
        }

        @Actor
        public void flusher(IIII_Result r) {
            s.flusher(r);
        }

        @Arbiter
        public void after(IIII_Result r) {
            s.arbiter(r);
        }
    }

    /** Mirrors {@code WorkFlush.FlushVsRun}. */
    @JCStressTest
    @Outcome(id = {"1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "the execution was over and visible when flush returned")
    @Outcome(expect = FORBIDDEN, desc = "flush returned before the execution")
    @State
    public static class FlushVsRun_FlushWaitsForRunningOnly {
        final Races.FlushVsRun s = new Races.FlushVsRun(work(CanaryWork.Bug.FLUSH_WAITS_FOR_RUNNING_ONLY));

        @Actor
        public void kworker() {
            s.kworker();
        }

        @Actor
        public void flusher(II_Result r) {
            s.flusher(r);
        }
    }

    /** Mirrors {@code KTimerRaces.DeleteSyncVsExpiry}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0, 0", "0, 1, 0, 1"}, expect = ACCEPTABLE, desc = "deleted while pending, or waited for")
    @Outcome(expect = FORBIDDEN, desc = "returned before the callback was over, or it ran after true")
    @State
    public static class DeleteSyncVsExpiry_DeleteSyncDoesNotWait {
        final Races.DeleteSyncVsExpiry s = new Races.DeleteSyncVsExpiry(timer(CanaryKTimer.Bug.DELETE_SYNC_DOES_NOT_WAIT));

        @Actor
        public void clockAndKworker() {
            s.clockAndKworker();
        }

        @Actor
        public void deleter(IIII_Result r) {
            s.deleter(r);
        }

        @Arbiter
        public void after(IIII_Result r) {
            s.arbiter(r);
        }
    }

    /** Mirrors {@code KTimerRaces.ModifyVsExpiry}. */
    @JCStressTest
    @Outcome(id = {"1, 1, 0", "0, 2, 0"}, expect = ACCEPTABLE, desc = "re-armed: once; expired then re-armed: twice")
    @Outcome(expect = FORBIDDEN, desc = "a stale expiry fired")
    @State
    public static class ModifyVsExpiry_ExpiryIgnoresToken {
        final Races.ModifyVsExpiry s = new Races.ModifyVsExpiry(timer(CanaryKTimer.Bug.EXPIRY_IGNORES_TOKEN));

        @Actor
        public void clockAndKworker() {
            s.clockAndKworker();
        }

        @Actor
        public void modifier(III_Result r) {
            s.modifier(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }

    /** Mirrors {@code KTimerRaces.DeleteSyncStopsSelfRearm}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 0, 0"}, expect = ACCEPTABLE, desc = "not pending on return, and never fired again")
    @Outcome(expect = FORBIDDEN, desc = "re-armed itself past deleteSync")
    @State
    public static class DeleteSyncStopsSelfRearm_ModifyIgnoresDeleting {
        final Races.DeleteSyncStopsSelfRearm s = new Races.DeleteSyncStopsSelfRearm(timer(CanaryKTimer.Bug.MODIFY_IGNORES_DELETING));

        @Actor
        public void clockAndKworker() {
            s.clockAndKworker();
        }

        @Actor
        public void deleter(III_Result r) {
            s.deleter(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }

    /** Mirrors {@code KTimerRaces.ModifyVsDeleteSync}. */
    @JCStressTest
    @Outcome(id = {"0, 0, 1", "0, 1, 0"}, expect = ACCEPTABLE, desc = "one order or the other")
    @Outcome(expect = FORBIDDEN, desc = "the arming was lost, or fired after a delete")
    @State
    public static class ModifyVsDeleteSync_DeleteReadsArmedUnlocked {
        final Races.ModifyVsDeleteSync s = new Races.ModifyVsDeleteSync(timer(CanaryKTimer.Bug.DELETE_READS_ARMED_UNLOCKED));

        @Actor
        public void modifier(III_Result r) {
            s.modifier(r);
        }

        @Actor
        public void deleter(III_Result r) {
            s.deleter(r);
        }

        @Arbiter
        public void after(III_Result r) {
            s.arbiter(r);
        }
    }
}
