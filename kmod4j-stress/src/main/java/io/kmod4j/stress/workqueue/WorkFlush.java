package io.kmod4j.stress.workqueue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@code Work.flush()} under races: it waits for the last instance queued before it (not only
 * the one running), and the executions it waited for are visible when it returns.
 */
public final class WorkFlush {

    private WorkFlush() {}

    /** See {@link Races.FlushAfterRequeue}. */
    @JCStressTest
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE, desc = "still pending: coalesced; flush waited for the one execution")
    @Outcome(id = "1, 1, 2, 2", expect = ACCEPTABLE, desc = "queued again: flush waited for the second execution")
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "still pending, then run before flush began: nothing to wait for, the execution visible")
    @Outcome(id = "1, 0, 2, 2", expect = ACCEPTABLE, desc = "queued again, and both run before flush began: nothing to wait for, both visible")
    @Outcome(id = "1, .*, 1, 2", expect = FORBIDDEN, desc = "flush returned before the instance queued just before it had run")
    @Outcome(expect = FORBIDDEN, desc = "an execution lost, added or not visible when flush returned")
    @State
    public static class FlushAfterRequeue {
        final Races.FlushAfterRequeue s = new Races.FlushAfterRequeue(Impl.REAL);

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

    /** See {@link Races.FlushVsRun}. */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "pending or running: flush waited for it")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "already done: nothing to wait for")
    @Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "flush returned before the execution (or without seeing it)")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class FlushVsRun {
        final Races.FlushVsRun s = new Races.FlushVsRun(Impl.REAL);

        @Actor
        public void kworker() {
            s.kworker();
        }

        @Actor
        public void flusher(II_Result r) {
            s.flusher(r);
        }
    }
}
