package io.kmod4j.stress.canary;

import io.kmod4j.Errno;
import io.kmod4j.kthread.KThreadFn;
import io.kmod4j.sync.Completion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@link io.kmod4j.kthread.KThread}'s thread protocol (wake-up, should-stop, park, exit,
 * stop and join) with one planted bug, chosen per instance, for the canary tests. Ownership,
 * logging and oops handling are left out: they play no part in the races under test. With
 * {@link Bug#NONE} it follows the real algorithm.
 *
 * <p>Never used outside the canary tests; never run by the default stress suite.
 */
public final class CanaryKThread {

    /** The planted bugs. */
    public enum Bug {
        /** None: the real algorithm. */
        NONE,
        /** stop() peeks at the state without the lock and answers -EINTR at once for a NEW thread. */
        STOP_SHORTCUT_ON_NEW,
        /** stop() requests the stop and returns the result field without waiting at all. */
        STOP_DOES_NOT_WAIT,
        /** stop() waits for the exited completion but does not join the Java thread. */
        STOP_SKIPS_JOIN,
        /** stop() does not clear a pending park, so a parked thread is never let go. */
        STOP_DOES_NOT_UNPARK
    }

    enum State { NEW, RUNNING, PARKED, EXITED }

    private static final ScopedValue<CanaryKThread> CURRENT = ScopedValue.newInstance();

    private final Bug bug;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Completion exited = new Completion();
    private final KThreadFn fn;
    private volatile Thread thread;
    private volatile State state = State.NEW;
    private volatile boolean shouldStop;
    private volatile boolean shouldPark;
    private boolean woken;
    private boolean kicked;
    private long parkRequests;
    private long parkAck;
    private int result;
    private boolean exitRequested;
    private int exitCode;
    private final List<Completion> exitCompletions = new ArrayList<>(1);

    private CanaryKThread(Bug bug, KThreadFn fn) {
        this.bug = bug;
        this.fn = fn;
    }

    /** kthread_create: started, waiting to be woken. */
    public static CanaryKThread create(Bug bug, boolean virtual, KThreadFn fn) {
        CanaryKThread k = new CanaryKThread(bug, fn);
        Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true)).name("canary").unstarted(k::body);
        k.thread = t;
        t.start();
        return k;
    }

    public void wakeUp() {
        lock.lock();
        try {
            switch (state) {
                case NEW -> woken = true;
                case RUNNING -> kicked = true;
                case PARKED, EXITED -> { }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int stop() {
        if (bug == Bug.STOP_SHORTCUT_ON_NEW && state == State.NEW) {
            requestStop();
            return Errno.EINTR.code(); // BUG: the thread may be past its should-stop check already
        }
        requestStop();
        if (bug == Bug.STOP_DOES_NOT_WAIT) {
            return result;
        }
        exited.awaitUninterruptibly();
        if (bug != Bug.STOP_SKIPS_JOIN) {
            joinUninterruptibly();
        }
        return result;
    }

    public OptionalInt stop(Duration timeout) throws InterruptedException {
        requestStop();
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!exited.await(timeout)) {
            return OptionalInt.empty();
        }
        long left = deadline - System.nanoTime();
        boolean ended = left <= 0 ? !thread.isAlive() : thread.join(Duration.ofNanos(left));
        return ended ? OptionalInt.of(result) : OptionalInt.empty();
    }

    public int park() {
        long generation;
        lock.lock();
        try {
            if (state == State.EXITED) {
                return Errno.ENOSYS.code();
            }
            if (shouldPark) {
                return Errno.EBUSY.code();
            }
            shouldPark = true;
            generation = ++parkRequests;
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(thread);
        lock.lock();
        try {
            while (parkAck < generation && state != State.EXITED) {
                changed.awaitUninterruptibly();
            }
            return parkAck >= generation ? 0 : Errno.ENOSYS.code();
        } finally {
            lock.unlock();
        }
    }

    public void unpark() {
        lock.lock();
        try {
            if (shouldPark) {
                shouldPark = false;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isAlive() {
        return state != State.EXITED;
    }

    public static boolean shouldStop() {
        return CURRENT.get().shouldStop;
    }

    public static boolean shouldPark() {
        return CURRENT.get().shouldPark;
    }

    public static void parkMe() {
        CURRENT.get().parkSelf();
    }

    public static void scheduleTimeout(Duration timeout) {
        CURRENT.get().sleepSelf(timeout);
    }

    public static void exit(int code) {
        CURRENT.get().requestExit(code, null);
        throw new ExitUnwind();
    }

    public static void completeAndExit(Completion done, int code) {
        CURRENT.get().requestExit(code, done);
        throw new ExitUnwind();
    }

    private void body() {
        ScopedValue.where(CURRENT, this).run(this::trampoline);
    }

    private void trampoline() {
        int ret = Errno.EINTR.code();
        try {
            if (awaitFirstWakeUp()) {
                parkSelf();
                ret = invoke();
            }
        } finally {
            finish(ret);
        }
    }

    private boolean awaitFirstWakeUp() {
        lock.lock();
        try {
            while (!woken && !shouldStop) {
                changed.awaitUninterruptibly();
            }
            if (shouldStop) {
                return false;
            }
            state = State.RUNNING;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private int invoke() {
        int ret;
        Throwable thrown = null;
        try {
            ret = fn.run();
        } catch (Throwable t) {
            thrown = t;
            ret = Errno.EFAULT.code();
        }
        if (exitRequested) {
            return exitCode;
        }
        if (thrown instanceof InterruptedException && shouldStop) {
            return Errno.EINTR.code();
        }
        return ret;
    }

    private void finish(int ret) {
        Thread.interrupted();
        lock.lock();
        try {
            result = ret;
            state = State.EXITED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        exited.completeAll();
        for (Completion c : exitCompletions) {
            c.complete();
        }
    }

    private void parkSelf() {
        lock.lock();
        try {
            while (shouldPark) {
                state = State.PARKED;
                parkAck = parkRequests;
                changed.signalAll();
                changed.awaitUninterruptibly();
            }
            if (state == State.PARKED) {
                state = State.RUNNING;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void sleepSelf(Duration timeout) {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (nanos > 0 && !kicked && !shouldStop && !shouldPark) {
                try {
                    nanos = changed.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            kicked = false;
        } finally {
            lock.unlock();
        }
    }

    private void requestExit(int code, Completion done) {
        if (done != null) {
            exitCompletions.add(done);
        }
        exitRequested = true;
        exitCode = code;
    }

    private void requestStop() {
        lock.lock();
        try {
            if (state == State.EXITED) {
                return;
            }
            shouldStop = true;
            if (bug != Bug.STOP_DOES_NOT_UNPARK) {
                shouldPark = false;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        thread.interrupt();
    }

    private void joinUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class ExitUnwind extends Error {
        private static final long serialVersionUID = 1L;

        ExitUnwind() {
            super("kthread exit", null, false, false);
        }
    }
}
