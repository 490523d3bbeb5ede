package io.kmod4j.stress.lincheck;

import io.kmod4j.stress.workqueue.Body;
import io.kmod4j.stress.workqueue.Rig;
import io.kmod4j.stress.workqueue.TimerSubject;
import io.kmod4j.stress.workqueue.WorkSubject;
import java.time.Duration;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * The Lincheck operations on a work item and on a timer, shared by the real tests and their
 * canaries. The kworker (and, for the timer, the clock) is driven by operations of their own, in
 * one non-parallel group: one kworker thread, as the specifications assume. Only non-blocking
 * operations: cancelSync, flush and deleteSync block, and the refusals they cause while they
 * wait (queueing fails during cancelSync) cannot be written as a sequential specification of
 * atomic calls; they are jcstress's ({@code io.kmod4j.stress.workqueue}).
 */
final class WorkqueueOperations {

    private WorkqueueOperations() {}

    /** Work operations; the specification is {@link WorkSpec}. */
    abstract static class OnWork {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;

        OnWork(WorkSubjectFactory make) {
            w = make.create(rig, body);
        }

        @Operation
        public boolean schedule() {
            return w.schedule();
        }

        @Operation
        public boolean cancel() {
            return w.cancel();
        }

        @Operation
        public boolean disable() {
            return w.disable();
        }

        @Operation
        public boolean enable() {
            return w.enable();
        }

        @Operation
        public boolean isPending() {
            return w.isPending();
        }

        /**
         * The kworker serves the pending instance, if there is one: runs what was handed over
         * (stale instances run nothing) until the function has run or nothing is pending. An
         * instance can be pending before the workqueue has handed it to the kworker; then it
         * waits for the hand-over, as a kworker pool does. 1 if the function ran.
         */
        @Operation(nonParallelGroup = "kworker")
        public int runNext() {
            int before = body.runs;
            while (true) {
                if (rig.kworker.runOne()) {
                    if (body.runs != before) {
                        return body.runs - before;
                    }
                } else if (!w.isPending()) {
                    return 0;
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }

    /**
     * Timer operations; the specification is {@link TimerSpec}. A tick of the clock is two
     * operations, as it is two events on a real clock: {@link #moveTime()} and {@link #expire()}.
     * One operation that moved time and then fired would not be atomic: a {@code modify()} of a
     * pending timer in between pushes it to the next tick (a real clock does the same), and no
     * order of atomic calls explains that; jcstress's {@code KTimerRaces.ModifyVsExpiry} covers
     * that race with real ticks.
     */
    abstract static class OnTimer {
        static final Duration TICK = Duration.ofMillis(1);
        final Rig rig = new Rig();
        final Body body = new Body();
        final TimerSubject t;

        OnTimer(TimerSubjectFactory make) {
            t = make.create(rig, body);
        }

        @Operation
        public boolean modify() {
            return t.modify(TICK);
        }

        @Operation
        public boolean delete() {
            return t.delete();
        }

        @Operation
        public boolean isPending() {
            return t.isPending();
        }

        /** Time moves one tick; nothing fires yet. */
        @Operation(nonParallelGroup = "kworker")
        public void moveTime() {
            rig.clock.move(TICK);
        }

        /** The timers due now expire and the kworker runs their callbacks: how many ran. */
        @Operation(nonParallelGroup = "kworker")
        public int expire() {
            int before = body.runs;
            rig.clock.fireDue();
            rig.kworker.runAll();
            return body.runs - before;
        }
    }

    @FunctionalInterface
    interface WorkSubjectFactory {
        WorkSubject create(Rig rig, Body body);
    }

    @FunctionalInterface
    interface TimerSubjectFactory {
        TimerSubject create(Rig rig, Body body);
    }
}
