package io.kmod4j.stress.workqueue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code Work.schedule()} under races: a pending work is not queued twice (the requests
 * coalesce), and a work queued again while it runs is never run concurrently with itself.
 */
public final class WorkSchedule {

    private WorkSchedule() {}

    /** See {@link Races.ScheduleVsSchedule}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE, desc = "one queued it, the other found it pending; it ran once")
    @Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both queued it: a pending work was queued twice")
    @Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "neither queued it")
    @Outcome(expect = FORBIDDEN, desc = "it did not run exactly once")
    @State
    public static class ScheduleVsSchedule {
        final Races.ScheduleVsSchedule s = new Races.ScheduleVsSchedule(Impl.REAL);

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

    /** See {@link Races.RequeueWhileRunning}. */
    @JCStressTest
    @Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "queued again once it had started: ran twice, one after the other")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "still pending: the requests coalesced into one execution")
    @Outcome(id = ".*, .*, 1", expect = FORBIDDEN, desc = "two executions of the work overlapped")
    @Outcome(expect = FORBIDDEN, desc = "an execution was lost or added")
    @State
    public static class RequeueWhileRunning {
        final Races.RequeueWhileRunning s = new Races.RequeueWhileRunning(Impl.REAL);

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
}
