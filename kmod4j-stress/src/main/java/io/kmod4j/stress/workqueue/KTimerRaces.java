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
 * {@code KTimer} under races: {@code deleteSync()} versus expiry and versus a callback that
 * re-arms itself, {@code modify()} versus expiry and versus {@code deleteSync()}.
 */
public final class KTimerRaces {

    private KTimerRaces() {}

    /** See {@link Races.DeleteSyncVsExpiry}. */
    @JCStressTest
    @Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "deleted while pending: never fired")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "already expired: deleteSync waited for the callback")
    @Outcome(id = "1, .*, .*, 1", expect = FORBIDDEN, desc = "true, yet the deleted timer's callback ran")
    @Outcome(id = "0, 0, .*, .*", expect = FORBIDDEN, desc = "false, yet the callback was not over (or not visible) on return")
    @Outcome(id = ".*, .*, 1, .*", expect = FORBIDDEN, desc = "the callback was running when deleteSync returned")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class DeleteSyncVsExpiry {
        final Races.DeleteSyncVsExpiry s = new Races.DeleteSyncVsExpiry(Impl.REAL);

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

    /** See {@link Races.ModifyVsExpiry}. */
    @JCStressTest
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "re-armed before it expired: fired once, later")
    @Outcome(id = "0, 2, 0", expect = ACCEPTABLE, desc = "had expired: fired, and fired again once re-armed")
    @Outcome(id = "1, 2, .*", expect = FORBIDDEN, desc = "re-armed while pending, yet the old expiry fired too")
    @Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "not pending, yet re-arming it did not make it fire again")
    @Outcome(id = ".*, .*, 1", expect = FORBIDDEN, desc = "two callbacks overlapped")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class ModifyVsExpiry {
        final Races.ModifyVsExpiry s = new Races.ModifyVsExpiry(Impl.REAL);

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

    /** See {@link Races.DeleteSyncStopsSelfRearm}. */
    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 0, 0"}, expect = ACCEPTABLE, desc = "not pending on return, and never fired again")
    @Outcome(id = ".*, 1, .*", expect = FORBIDDEN, desc = "pending again when deleteSync returned")
    @Outcome(id = ".*, .*, [1-9]", expect = FORBIDDEN, desc = "fired after deleteSync returned")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class DeleteSyncStopsSelfRearm {
        final Races.DeleteSyncStopsSelfRearm s = new Races.DeleteSyncStopsSelfRearm(Impl.REAL);

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

    /** See {@link Races.ModifyVsDeleteSync}. */
    @JCStressTest
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "deleted first (nothing pending), then armed: fired")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "armed first, then deleted: never fired")
    @Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "the arming was lost: neither deleted nor fired")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "deleted while pending, yet fired")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class ModifyVsDeleteSync {
        final Races.ModifyVsDeleteSync s = new Races.ModifyVsDeleteSync(Impl.REAL);

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
