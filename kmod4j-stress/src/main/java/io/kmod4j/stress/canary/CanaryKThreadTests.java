package io.kmod4j.stress.canary;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.stress.canary.CanaryKThread.Bug;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Canaries for the KThread tests in {@code io.kmod4j.stress.kthread}: each class repeats one real
 * test against a {@link CanaryKThread} with a planted bug. Every one of them must FAIL;
 * {@code scripts/stress.sh --canaries} checks that it does.
 */
public final class CanaryKThreadTests {

    private CanaryKThreadTests() {}

    static final int RESULT = 5;

    /**
     * How long the park canary's timed stop waits: 200 ms, not the real test's ten seconds,
     * because every thread the planted bug leaves parked costs the run the whole wait.
     */
    static final Duration CANARY_PATIENCE = Duration.ofMillis(200);

    /** Mirrors KThreadStop.StopVsFirstRun. */
    @JCStressTest
    @Outcome(id = {"-4, 0, 0"}, expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = {"5, 1, 1"}, expect = ACCEPTABLE, desc = "the function ran to completion")
    @Outcome(expect = FORBIDDEN, desc = "stop()'s result disagrees with what the function did")
    @State
    public static class StopVsFirstRun_StopShortcutOnNew {
        int ran;
        final CanaryKThread k = CanaryKThread.create(Bug.STOP_SHORTCUT_ON_NEW, true, () -> {
            ran = 1;
            return RESULT;
        });

        @Actor
        public void waker() {
            k.wakeUp();
        }

        @Actor
        public void stopper(III_Result r) {
            r.r1 = k.stop();
            r.r2 = ran;
        }

        @Arbiter
        public void after(III_Result r) {
            r.r3 = ran;
        }
    }

    /** The function of the stop-versus-exit canaries, and what the stopper records (as in KThreadStop.Ending). */
    static final class Ending {
        volatile Thread thread;
        int last;
        final CanaryKThread k;

        Ending(Bug bug, boolean exitCall) {
            k = CanaryKThread.create(bug, true, () -> {
                thread = Thread.currentThread();
                last = 2;
                if (exitCall) {
                    CanaryKThread.exit(RESULT);
                }
                return RESULT;
            });
        }

        void stopAndLook(IIII_Result r) {
            r.r1 = k.stop();
            r.r2 = last;
            Thread t = thread;
            r.r3 = t != null && t.isAlive() ? 1 : 0;
            r.r4 = 1;
        }
    }

    /** Mirrors KThreadStop.StopVsReturn. */
    @JCStressTest
    @Outcome(id = "-4, 0, 0, 1", expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = "5, 2, 0, 1", expect = ACCEPTABLE, desc = "the function ended; stop() saw all of it")
    @Outcome(expect = FORBIDDEN, desc = "stop() returned before the thread ended")
    @State
    public static class StopVsReturn_StopSkipsJoin {
        final Ending e = new Ending(Bug.STOP_SKIPS_JOIN, false);

        @Actor
        public void waker() {
            e.k.wakeUp();
        }

        @Actor
        public void stopper(IIII_Result r) {
            e.stopAndLook(r);
        }
    }

    /** Mirrors KThreadStop.StopVsExitCall. */
    @JCStressTest
    @Outcome(id = "-4, 0, 0, 1", expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = "5, 2, 0, 1", expect = ACCEPTABLE, desc = "the function ended; stop() saw all of it")
    @Outcome(expect = FORBIDDEN, desc = "stop() returned before the thread ended")
    @State
    public static class StopVsExitCall_StopDoesNotWait {
        final Ending e = new Ending(Bug.STOP_DOES_NOT_WAIT, true);

        @Actor
        public void waker() {
            e.k.wakeUp();
        }

        @Actor
        public void stopper(IIII_Result r) {
            e.stopAndLook(r);
        }
    }

    /** Mirrors KThreadPark.ParkVsStop. */
    @JCStressTest
    @Outcome(id = {"0, 3, 0", "-38, 3, 0", "-38, -4, 0"}, expect = ACCEPTABLE, desc = "the stop ended the thread")
    @Outcome(expect = FORBIDDEN, desc = "left parked, or inconsistent")
    @State
    public static class ParkVsStop_StopDoesNotUnpark {
        final CanaryKThread k = CanaryKThread.create(Bug.STOP_DOES_NOT_UNPARK, true, () -> {
            while (!CanaryKThread.shouldStop()) {
                if (CanaryKThread.shouldPark()) {
                    CanaryKThread.parkMe();
                } else {
                    CanaryKThread.scheduleTimeout(Duration.ofMinutes(1));
                }
            }
            return 3;
        });

        @Actor
        public void parker(III_Result r) {
            r.r1 = k.park();
        }

        @Actor
        public void stopper(III_Result r) {
            try {
                r.r2 = k.stop(CANARY_PATIENCE).orElse(-999);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Arbiter
        public void after(III_Result r) {
            r.r3 = k.isAlive() ? 1 : 0;
            if (r.r3 == 1) {
                k.unpark();
            }
        }
    }
}
