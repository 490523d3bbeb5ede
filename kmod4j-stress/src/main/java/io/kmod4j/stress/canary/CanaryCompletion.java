package io.kmod4j.stress.canary;

import java.time.Duration;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;

/**
 * A copy of {@link io.kmod4j.sync.Completion} with one planted bug, chosen per instance, so that
 * the canary tests can show that each jcstress test catches the kind of bug it is meant to. With
 * {@link Bug#NONE} it behaves as the real one (same AQS design, same wait routine).
 *
 * <p>Never used outside the canary tests; never run by the default stress suite.
 */
public final class CanaryCompletion {

    /** The planted bugs. */
    public enum Bug {
        /** None: the real algorithm. */
        NONE,
        /** complete() is a read, then a write: two concurrent completes may count as one. */
        NON_ATOMIC_COMPLETE,
        /** tryAwait() reads, then writes: two concurrent takers may both take the one token. */
        NON_ATOMIC_TAKE,
        /** A blocking wait returns once a token is there but does not take it. */
        WAIT_TAKES_NOTHING,
        /** A waiter checks, then publishes itself, then parks: a complete() in between wakes nobody. */
        LOST_WAKEUP,
        /** completeAll() is just complete(): one token, not sticky. */
        COMPLETE_ALL_IS_COMPLETE,
        /** complete() after completeAll() restarts the count at one: sticky undone. */
        COMPLETE_RESETS_STICKY,
        /**
         * completeAll() hands one token to each thread queued at that moment instead of making the
         * completion sticky: a waiter about to queue is forgotten.
         */
        TOKENS_FOR_QUEUED,
        /** A timed wait that times out reports whether a token is there, without taking it. */
        TIMEOUT_REPORTS_PRESENCE,
        /** A timed wait that times out takes a token that just arrived but reports a timeout. */
        TIMEOUT_DROPS_TOKEN
    }

    static final int STICKY = Integer.MAX_VALUE;

    private final Bug bug;
    private final Sync sync = new Sync();
    private volatile Thread sleeper; // LOST_WAKEUP only

    public CanaryCompletion(Bug bug) {
        this.bug = bug;
    }

    final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        @Override
        protected int tryAcquireShared(int unused) {
            for (;;) {
                int done = getState();
                if (done == STICKY) {
                    return 1;
                }
                if (done == 0 || hasQueuedPredecessors()) {
                    return -1;
                }
                if (bug == Bug.NON_ATOMIC_TAKE) {
                    Thread.yield(); // widen the window between the read and the write
                    setState(done - 1);
                    return done - 1;
                }
                if (compareAndSetState(done, done - 1)) {
                    return done - 1;
                }
            }
        }

        @Override
        protected boolean tryReleaseShared(int tokens) {
            for (;;) {
                int done = getState();
                if (done == STICKY && bug != Bug.COMPLETE_RESETS_STICKY) {
                    return false;
                }
                int next = tokens == STICKY ? STICKY : done == STICKY ? 1 : done + 1;
                if (bug == Bug.NON_ATOMIC_COMPLETE) {
                    setState(next);
                    return true;
                }
                if (compareAndSetState(done, next)) {
                    return true;
                }
            }
        }

        boolean tryTake() {
            return tryAcquireShared(1) >= 0;
        }

        int done() {
            return getState();
        }

        void reset() {
            setState(0);
        }
    }

    public void complete() {
        sync.releaseShared(1);
        if (bug == Bug.LOST_WAKEUP) {
            Thread s = sleeper;
            if (s != null) {
                LockSupport.unpark(s);
            }
        }
    }

    public void completeAll() {
        switch (bug) {
            case COMPLETE_ALL_IS_COMPLETE -> sync.releaseShared(1);
            case TOKENS_FOR_QUEUED -> {
                for (int n = sync.getQueueLength(); n > 0; n--) {
                    sync.releaseShared(1);
                }
            }
            default -> sync.releaseShared(STICKY);
        }
    }

    public void reinit() {
        sync.reset();
    }

    public boolean tryAwait() {
        return sync.tryTake();
    }

    public boolean isDone() {
        return sync.done() != 0;
    }

    public void awaitUninterruptibly() {
        switch (bug) {
            case WAIT_TAKES_NOTHING -> {
                while (!isDone()) {
                    Thread.onSpinWait();
                }
            }
            case LOST_WAKEUP -> {
                if (sync.tryTake()) {
                    return;
                }
                // BUG: a complete() between the check above and this publication finds no sleeper.
                sleeper = Thread.currentThread();
                LockSupport.park(this);
                while (!sync.tryTake()) {
                    LockSupport.park(this);
                }
                sleeper = null;
            }
            default -> {
                if (!sync.tryTake()) {
                    sync.acquireShared(1);
                }
            }
        }
    }

    public boolean awaitUninterruptibly(Duration timeout) {
        long nanos = timeout.toNanos();
        if (sync.tryTake()) {
            return true;
        }
        if (nanos <= 0) {
            return false;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (sync.tryAcquireSharedNanos(1, nanos)) {
                        return true;
                    }
                    // Race: complete() landed between AQS's last try and its deadline check.
                    return switch (bug) {
                        case TIMEOUT_REPORTS_PRESENCE -> isDone();
                        case TIMEOUT_DROPS_TOKEN -> {
                            sync.tryTake();
                            yield false;
                        }
                        default -> sync.tryTake();
                    };
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
