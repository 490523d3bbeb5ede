package io.kmod4j.stress.lincheck;

import io.kmod4j.stress.workqueue.Impl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Work's and KTimer's non-blocking operations are linearizable with respect to {@link WorkSpec}
 * and {@link TimerSpec}: schedule/cancel/disable/enable/isPending racing a kworker that runs the
 * work (every queueing served by exactly one execution, a cancelled instance never run), and
 * modify/delete/isPending racing the clock and the callback. Lincheck's model checker explores
 * the interleavings of short random scenarios, switching threads at every shared-memory access.
 *
 * <p>The blocking calls (cancelSync, flush, deleteSync) and "never concurrently with itself"
 * (which needs two kworkers) are jcstress's; see {@link WorkqueueOperations} for why.
 */
@Tag("stress")
class WorkqueueLinearizabilityTest {

    /** kmod4j's Work on the operations of {@link WorkqueueOperations.OnWork}. */
    public static class RealWork extends WorkqueueOperations.OnWork {
        public RealWork() {
            super(Impl.REAL::work);
        }
    }

    /** kmod4j's KTimer on the operations of {@link WorkqueueOperations.OnTimer}. */
    public static class RealTimer extends WorkqueueOperations.OnTimer {
        public RealTimer() {
            super(Impl.REAL::timer);
        }
    }

    @Test
    void workIsLinearizable() {
        LincheckSettings.modelChecking().sequentialSpecification(WorkSpec.class).check(RealWork.class);
    }

    @Test
    void timerIsLinearizable() {
        LincheckSettings.modelChecking().sequentialSpecification(TimerSpec.class).check(RealTimer.class);
    }
}
