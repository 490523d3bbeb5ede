package io.kmod4j.stress.kthread;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.kthread.KThread;
import io.kmod4j.kthread.KThreadFn;
import io.kmod4j.sync.Completion;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code KThread.stop()} under races.
 *
 * <ul>
 *   <li><b>Stop versus first run:</b> {@code stop()} returns {@code -EINTR} if and only if the
 *       function never ran, and then it never runs later either.
 *   <li><b>Stop versus exit:</b> {@code stop()} returns only after the thread has ended: the
 *       function's last write is visible to the caller, the Java thread is no longer alive, and a
 *       completion given to {@code completeAndExit} has been completed.
 * </ul>
 *
 * <p>Each state creates its kthread (not yet woken) on a virtual thread, because jcstress makes
 * thousands of states per second; one test uses platform threads to cover that path too.
 */
public final class KThreadStop {

    private KThreadStop() {}

    static final int EINTR = Errno.EINTR.code();
    static final int RESULT = 5;
    /** What a test records when a timed stop gave up: the thread did not end in time. */
    static final int DID_NOT_END = -999;
    static final Duration PATIENCE = Duration.ofSeconds(10);

    static KThread create(KThreadFn fn) {
        try {
            return KThread.builder("stress").virtual(true).create(fn);
        } catch (KernelException e) {
            throw new IllegalStateException(e);
        }
    }

    /** r1: stop()'s result; r2: the function's write as stop()'s caller sees it; r3: as the arbiter sees it. */
    @JCStressTest
    @Outcome(id = {"-4, 0, 0"}, expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = {"5, 1, 1"}, expect = ACCEPTABLE, desc = "the function ran to completion")
    @Outcome(id = {"-4, 0, 1", "-4, 1, 1"}, expect = FORBIDDEN, desc = "-EINTR, yet the function ran")
    @Outcome(id = {"5, 0, 1", "5, 0, 0"}, expect = FORBIDDEN, desc = "stop() returned before the function's write")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class StopVsFirstRun {
        int ran; // plain: stop() must publish it
        final KThread k = create(() -> {
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

    /**
     * The same race on platform threads, from one actor: {@code KThread.run} then an immediate
     * {@code stop()}, racing the new thread's first run.
     */
    @JCStressTest
    @Outcome(id = {"-4, 0, 0"}, expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = {"5, 1, 1"}, expect = ACCEPTABLE, desc = "the function ran to completion")
    @Outcome(expect = FORBIDDEN, desc = "stop()'s result disagrees with what the function did")
    @State
    public static class RunThenStopPlatform {
        int ran;

        @Actor
        public void runAndStop(III_Result r) {
            KThread k;
            try {
                k = KThread.run("stress-platform", () -> {
                    ran = 1;
                    return RESULT;
                });
            } catch (KernelException e) {
                throw new IllegalStateException(e);
            }
            r.r1 = k.stop();
            r.r2 = ran;
        }

        @Arbiter
        public void after(III_Result r) {
            r.r3 = ran;
        }
    }

    /** How the function ends in the stop-versus-exit tests. */
    enum End { RETURN, EXIT, COMPLETE_AND_EXIT }

    /**
     * Stop versus exit, shared by the tests below (jcstress sees only the actors a test class
     * declares itself, so each declares two that delegate here). The function records its Java
     * thread, makes two plain writes and ends as {@link End} says; the stopper records r1:
     * stop()'s result, r2: the function's last write as the stopper sees it, r3: whether the Java
     * thread is still alive when stop() has returned, r4: 1 if a completion given to
     * completeAndExit is complete exactly when the function ran.
     */
    static final class Ending {
        private final End end;
        private final boolean timedStop;
        volatile Thread thread; // only to ask isAlive(): stop() is what must publish the plain writes
        int first;
        int last;
        final Completion exited = new Completion();
        final KThread k;

        Ending(End end, boolean timedStop) {
            this.end = end;
            this.timedStop = timedStop;
            this.k = create(this::body);
        }

        private int body() {
            thread = Thread.currentThread();
            first = 1;
            last = 2;
            switch (end) {
                case RETURN -> { }
                case EXIT -> KThread.exit(RESULT);
                case COMPLETE_AND_EXIT -> KThread.completeAndExit(exited, RESULT);
            }
            return RESULT;
        }

        void stopAndLook(IIII_Result r) {
            r.r1 = timedStop ? timedStop() : k.stop();
            r.r2 = last;
            Thread t = thread;
            r.r3 = t != null && t.isAlive() ? 1 : 0;
            boolean ran = r.r1 != EINTR;
            r.r4 = end != End.COMPLETE_AND_EXIT || exited.isDone() == ran ? 1 : 0;
        }

        private int timedStop() {
            try {
                return k.stop(PATIENCE).orElse(DID_NOT_END);
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts this actor", e);
            }
        }
    }

    /** The function returns. */
    @JCStressTest
    @Outcome(id = "-4, 0, 0, 1", expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = "5, 2, 0, 1", expect = ACCEPTABLE, desc = "the function ended; stop() saw all of it")
    @Outcome(id = {"5, 0, 0, 1", "5, 1, 0, 1"}, expect = FORBIDDEN, desc = "stop() returned before the function's last write")
    @Outcome(id = {"5, 2, 1, 1", "-4, 0, 1, 1"}, expect = FORBIDDEN, desc = "stop() returned while the Java thread was alive")
    @Outcome(id = ".*, .*, .*, 0", expect = FORBIDDEN, desc = "the exit completion was not completed")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class StopVsReturn {
        final Ending e = new Ending(End.RETURN, false);

        @Actor
        public void waker() {
            e.k.wakeUp();
        }

        @Actor
        public void stopper(IIII_Result r) {
            e.stopAndLook(r);
        }
    }

    /** The function ends with {@code KThread.exit(code)}. */
    @JCStressTest
    @Outcome(id = "-4, 0, 0, 1", expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = "5, 2, 0, 1", expect = ACCEPTABLE, desc = "the function ended; stop() saw all of it")
    @Outcome(id = {"5, 0, 0, 1", "5, 1, 0, 1"}, expect = FORBIDDEN, desc = "stop() returned before the function's last write")
    @Outcome(id = {"5, 2, 1, 1", "-4, 0, 1, 1"}, expect = FORBIDDEN, desc = "stop() returned while the Java thread was alive")
    @Outcome(id = ".*, .*, .*, 0", expect = FORBIDDEN, desc = "the exit completion was not completed")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class StopVsExitCall {
        final Ending e = new Ending(End.EXIT, false);

        @Actor
        public void waker() {
            e.k.wakeUp();
        }

        @Actor
        public void stopper(IIII_Result r) {
            e.stopAndLook(r);
        }
    }

    /** The function ends with {@code completeAndExit(c, code)}: c must be complete when stop() returns. */
    @JCStressTest
    @Outcome(id = "-4, 0, 0, 1", expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = "5, 2, 0, 1", expect = ACCEPTABLE, desc = "the function ended; stop() saw all of it")
    @Outcome(id = {"5, 0, 0, 1", "5, 1, 0, 1"}, expect = FORBIDDEN, desc = "stop() returned before the function's last write")
    @Outcome(id = {"5, 2, 1, 1", "-4, 0, 1, 1"}, expect = FORBIDDEN, desc = "stop() returned while the Java thread was alive")
    @Outcome(id = ".*, .*, .*, 0", expect = FORBIDDEN, desc = "the exit completion was not completed")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class StopVsCompleteAndExit {
        final Ending e = new Ending(End.COMPLETE_AND_EXIT, false);

        @Actor
        public void waker() {
            e.k.wakeUp();
        }

        @Actor
        public void stopper(IIII_Result r) {
            e.stopAndLook(r);
        }
    }

    /** {@code stop(Duration)} gives the same guarantees as {@code stop()} when it returns a result. */
    @JCStressTest
    @Outcome(id = "-4, 0, 0, 1", expect = ACCEPTABLE, desc = "stop came first: the function never ran")
    @Outcome(id = "5, 2, 0, 1", expect = ACCEPTABLE, desc = "the function ended; stop() saw all of it")
    @Outcome(id = {"5, 0, 0, 1", "5, 1, 0, 1"}, expect = FORBIDDEN, desc = "stop() returned before the function's last write")
    @Outcome(id = {"5, 2, 1, 1", "-4, 0, 1, 1"}, expect = FORBIDDEN, desc = "stop() returned while the Java thread was alive")
    @Outcome(id = ".*, .*, .*, 0", expect = FORBIDDEN, desc = "the exit completion was not completed")
    @Outcome(expect = FORBIDDEN, desc = "impossible")
    @State
    public static class TimedStopVsReturn {
        final Ending e = new Ending(End.RETURN, true);

        @Actor
        public void waker() {
            e.k.wakeUp();
        }

        @Actor
        public void stopper(IIII_Result r) {
            e.stopAndLook(r);
        }
    }
}
