package io.kmod4j.stress.kthread;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.KernelException;
import io.kmod4j.kthread.KThread;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code park()} versus {@code stop()}: whichever comes first, the stop ends the thread. A
 * {@code stop()} never leaves the thread parked (it unparks first), and a {@code park()} that
 * reports success was acknowledged by a thread that then runs its function, so the stop's result
 * is the function's.
 *
 * <p>The kthread is created, not woken, on a virtual thread; {@code park()} and {@code stop()}
 * both wake it. Its function is the canonical park-aware loop. The stop is timed (ten seconds) so
 * that a thread left parked shows as an outcome instead of a hung run; the arbiter then releases
 * it.
 */
public final class KThreadPark {

    private KThreadPark() {}

    static final int RESULT = 3;
    static final int DID_NOT_END = -999;
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /** The loop Linux's smpboot threads run: stop first, then park, else sleep until told. */
    static int parkAwareLoop() {
        while (!KThread.shouldStop()) {
            if (KThread.shouldPark()) {
                KThread.parkMe();
            } else {
                KThread.scheduleTimeout(Duration.ofMinutes(1));
            }
        }
        return RESULT;
    }

    /** r1: park()'s result; r2: stop()'s; r3: whether the kthread is still alive afterwards. */
    @JCStressTest
    @Outcome(id = "0, 3, 0", expect = ACCEPTABLE, desc = "parked, then stopped: the function ran and obeyed the stop")
    @Outcome(id = "-38, 3, 0", expect = ACCEPTABLE, desc = "the function ran; it exited instead of parking")
    @Outcome(id = "-38, -4, 0", expect = ACCEPTABLE, desc = "stop came first: never ran; park found it exited")
    @Outcome(id = "0, -4, 0", expect = FORBIDDEN, desc = "park() was acknowledged, yet the function never ran")
    @Outcome(id = ".*, -999, .*", expect = FORBIDDEN, desc = "stop() did not end the thread: left parked")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class ParkVsStop {
        final KThread k;

        public ParkVsStop() {
            try {
                k = KThread.builder("stress-park").virtual(true).create(KThreadPark::parkAwareLoop);
            } catch (KernelException e) {
                throw new IllegalStateException(e);
            }
        }

        @Actor
        public void parker(III_Result r) {
            r.r1 = k.park();
        }

        @Actor
        public void stopper(III_Result r) {
            try {
                r.r2 = k.stop(PATIENCE).orElse(DID_NOT_END);
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts this actor", e);
            }
        }

        @Arbiter
        public void after(III_Result r) {
            r.r3 = k.isAlive() ? 1 : 0;
            if (r.r3 == 1) {
                k.unpark(); // let a thread left parked go, so that the run does not pile them up
            }
        }
    }

    /**
     * The same race on a kthread that is already running ({@code KThread.run} in the state's
     * constructor, so it may be anywhere from its first wake-up to its sleep in the loop): a
     * {@code park()} that lands after {@code stop()} has cleared the park request must not park the
     * thread for good.
     */
    @JCStressTest
    @Outcome(id = "0, 3, 0", expect = ACCEPTABLE, desc = "parked, then stopped")
    @Outcome(id = "-38, 3, 0", expect = ACCEPTABLE, desc = "the thread exited instead of parking")
    @Outcome(id = "-38, -4, 0", expect = ACCEPTABLE, desc = "stop came before the first run; park found it exited")
    @Outcome(id = "0, -4, 0", expect = FORBIDDEN, desc = "park() was acknowledged, yet the function never ran")
    @Outcome(id = ".*, -999, .*", expect = FORBIDDEN, desc = "stop() did not end the thread: left parked")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class ParkVsStopWhileRunning {
        final KThread k;

        public ParkVsStopWhileRunning() {
            try {
                k = KThread.builder("stress-park-running").virtual(true).run(KThreadPark::parkAwareLoop);
            } catch (KernelException e) {
                throw new IllegalStateException(e);
            }
        }

        @Actor
        public void parker(III_Result r) {
            r.r1 = k.park();
        }

        @Actor
        public void stopper(III_Result r) {
            try {
                r.r2 = k.stop(PATIENCE).orElse(DID_NOT_END);
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts this actor", e);
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
