package io.kmod4j.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A completion: one thread tells others that something is done.
 *
 * <p>Why it exists: a thread that must not proceed until another has finished something (a
 * thread has ended, a firmware download has landed) needs more than a flag. It must sleep
 * without polling, it must not miss a signal sent before it started waiting, and the one who
 * signals must not care whether anyone is waiting yet. This is Linux's {@code struct completion}
 * ({@code include/linux/completion.h}, {@code kernel/sched/completion.c}) with the same counting
 * rules, so code ported from a driver keeps its meaning.
 *
 * <h2>Counting</h2>
 * A completion holds a count of <em>tokens</em>, {@code done} in Linux:
 * <ul>
 *   <li>{@link #complete()} adds one token and wakes one waiter.
 *   <li>Every wait ({@link #awaitUninterruptibly()}, {@link #await()}, their timed forms and
 *       {@link #tryAwait()}) that succeeds takes one token. N calls to {@code complete()} let
 *       exactly the first N waits through; later waits block until more tokens arrive.
 *   <li>{@link #completeAll()} makes the completion <em>sticky</em>: every present and future wait
 *       succeeds without taking anything, until {@link #reinit()}. A count that reaches
 *       {@code Integer.MAX_VALUE} through {@code complete()} becomes sticky the same way (Linux's
 *       {@code UINT_MAX}).
 *   <li>{@link #reinit()} sets the count to zero and nothing else; it is how a completion is reused
 *       after {@code completeAll()}. Waiters already queued stay queued.
 * </ul>
 *
 * <h2>How a wait ends</h2>
 * Every wait variant is a thin wrapper over one routine, and all share these rules:
 * <ul>
 *   <li>A wait that finds a token takes it and returns at once, <em>even if the thread's interrupt
 *       status is set</em>; the interrupt status is left as it was.
 *   <li>A wait woken by an interrupt while a token is available takes the token and succeeds, and
 *       keeps the interrupt status set (Linux re-checks {@code done} before the signal).
 *   <li>A timed wait whose timeout is zero or negative never blocks: it takes a token if there is
 *       one and otherwise reports a timeout.
 *   <li>A token that arrives as the deadline passes is taken and reported as success.
 *   <li>A timeout of {@code Long.MAX_VALUE} nanoseconds or more waits forever (Linux's
 *       {@code MAX_SCHEDULE_TIMEOUT}).
 * </ul>
 *
 * <h2>Ordering</h2>
 * Threads that block are served first come, first served: each {@code complete()} goes to the
 * longest-waiting thread, and a thread that arrives while others are queued queues behind them
 * instead of taking the token. So no waiter starves under a steady stream of {@code complete()}
 * calls. (Linux lets a newcomer take a token that a woken waiter has not taken yet; kmod4j does
 * not.) A waiter interrupted during an uninterruptible timed wait re-queues at the tail, as a
 * woken waiter does in Linux.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it calls {@code complete()} or
 * {@code completeAll()} <i>happen-before</i> actions following a successful wait, in another
 * thread, that took that token or observed the sticky state. {@link #isDone()} returning
 * {@code true} gives the same edge.
 *
 * <p>Completions are cheap (one object) and never need freeing. Unlike Linux there is no
 * on-stack lifetime hazard: a waiter that gives up early cannot leave the completer writing into
 * a dead frame.
 */
public final class Completion {

    /*
     * Overview
     *
     * The token count lives in the state of an AbstractQueuedSynchronizer in shared mode, like a
     * fair Semaphore: complete() is a release, a wait is an acquire that decrements, and the
     * sticky value STICKY (Integer.MAX_VALUE, Linux's UINT_MAX) is acquired without decrement.
     * AQS gives the FIFO queue, the parking, the cancellation of timed-out and interrupted nodes
     * and the happens-before edges (state changes are CAS/volatile).
     *
     * The Linux wait loop checks `done` before it gives up for a signal or a timeout. AQS checks
     * the interrupt and the deadline first, so doWait() re-tries the acquire once whenever AQS
     * reports an interrupt or a timeout; that is where the "token wins" rules above are made.
     */

    /** The sticky count set by completeAll(): waits succeed without taking a token. */
    static final int STICKY = Integer.MAX_VALUE;

    /** Timeout meaning "wait forever" (Linux MAX_SCHEDULE_TIMEOUT). */
    private static final long FOREVER = Long.MAX_VALUE;

    /** How a timed wait blocks; a seam so that tests can force the deadline race. */
    @FunctionalInterface
    interface TimedAcquire {
        boolean acquire(Sync sync, long nanos) throws InterruptedException;
    }

    static final TimedAcquire AQS_TIMED = (sync, nanos) -> sync.tryAcquireSharedNanos(1, nanos);

    static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        @Override
        protected int tryAcquireShared(int unused) {
            for (;;) {
                int done = getState();
                if (done == STICKY) {
                    return 1;
                }
                // Fairness: do not take a token past a thread that queued earlier.
                if (done == 0 || hasQueuedPredecessors()) {
                    return -1;
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
                if (done == STICKY) {
                    return false; // nobody can be waiting on a sticky completion
                }
                int next = tokens == STICKY ? STICKY : done + 1; // reaching STICKY makes it sticky
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

        void set(int done) {
            setState(done);
        }
    }

    private final Sync sync = new Sync();
    private final TimedAcquire timedAcquire;

    /**
     * Creates a completion with no tokens ({@code DECLARE_COMPLETION}, {@code init_completion}).
     * There is no separate on-stack form; any completion may live anywhere.
     */
    public Completion() {
        this(AQS_TIMED);
    }

    Completion(TimedAcquire timedAcquire) {
        this(timedAcquire, 0);
    }

    /** For tests: a completion whose count starts at {@code done} (e.g. just below sticky). */
    Completion(TimedAcquire timedAcquire, int done) {
        this.timedAcquire = timedAcquire;
        sync.set(done);
    }

    /**
     * Adds one token and wakes the longest-waiting thread, if any ({@code complete}).
     *
     * <p>Never blocks; may be called from any thread, including one that holds locks. Does nothing
     * on a sticky completion.
     */
    public void complete() {
        sync.releaseShared(1);
    }

    /**
     * Makes every present and future wait succeed without taking a token, until {@link #reinit()}
     * ({@code complete_all}). Wakes every waiter. Never blocks. Calling it again does nothing.
     */
    public void completeAll() {
        sync.releaseShared(STICKY);
    }

    /**
     * Sets the token count to zero so that the completion can be used again
     * ({@code reinit_completion}). It does not touch waiters: the caller must make sure that
     * every waiter of the previous round has returned, as in Linux.
     */
    public void reinit() {
        sync.reset();
    }

    /**
     * Waits for a token without being interruptible ({@code wait_for_completion}).
     *
     * <p>Returns at once if a token is available. Otherwise blocks until one arrives; an interrupt
     * does not end the wait, but the thread's interrupt status is set again on return.
     */
    public void awaitUninterruptibly() {
        if (!sync.tryTake()) {
            sync.acquireShared(1); // AQS re-asserts an interrupt received while waiting
        }
    }

    /**
     * Waits for a token for at most {@code timeout}, not interruptibly
     * ({@code wait_for_completion_timeout}).
     *
     * <p>Interrupts do not end the wait; the interrupt status is set again on return.
     *
     * @param timeout how long to wait; zero or negative means "do not block"
     * @return {@code true} if a token was taken (including one that arrived as the deadline
     *     passed), {@code false} if the wait timed out
     */
    public boolean awaitUninterruptibly(Duration timeout) {
        try {
            return doWait(nanos(timeout), false);
        } catch (InterruptedException impossible) {
            throw new AssertionError("an uninterruptible wait was interrupted", impossible);
        }
    }

    /**
     * Waits for a token until interrupted ({@code wait_for_completion_interruptible}).
     *
     * <p>Returns at once if a token is available, even if the interrupt status is set.
     *
     * @throws InterruptedException if the thread was interrupted on entry or while waiting and no
     *     token was available; the interrupt status is cleared, as in {@code java.util.concurrent}
     */
    public void await() throws InterruptedException {
        doWait(FOREVER, true);
    }

    /**
     * Waits for a token for at most {@code timeout}, until interrupted
     * ({@code wait_for_completion_interruptible_timeout}).
     *
     * @param timeout how long to wait; zero or negative means "do not block"
     * @return {@code true} if a token was taken, {@code false} if the wait timed out
     * @throws InterruptedException if the thread was interrupted on entry or while waiting and no
     *     token was available; the interrupt status is cleared
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return doWait(nanos(timeout), true);
    }

    /**
     * Takes a token if one is available, without blocking ({@code try_wait_for_completion}).
     * Takes nothing from a sticky completion. Does not take a token past a thread already queued.
     *
     * @return {@code true} if a token was taken or the completion is sticky
     */
    public boolean tryAwait() {
        return sync.tryTake();
    }

    /**
     * Whether a wait would find a token: the count is not zero ({@code completion_done}).
     *
     * <p>Despite its Linux kernel-doc, this says nothing about whether anyone is waiting. It takes
     * nothing and is always {@code true} after {@link #completeAll()} until {@link #reinit()}. A
     * {@code true} answer happens-after the {@code complete()} that made it true.
     */
    public boolean isDone() {
        return sync.done() != 0;
    }

    @Override
    public String toString() {
        int done = sync.done();
        return "Completion[done=" + (done == STICKY ? "all" : Integer.toString(done))
                + ", waiters=" + sync.getQueueLength() + "]";
    }

    /** Waiting threads, for tests and diagnostics; an estimate while threads come and go. */
    int queueLength() {
        return sync.getQueueLength();
    }

    /**
     * The one wait routine ({@code do_wait_for_common}); every public wait is a thin wrapper.
     *
     * @param nanos timeout, {@link #FOREVER} for none, zero or less for "do not block"
     * @param interruptible whether an interrupt ends the wait
     * @return whether a token was taken
     */
    private boolean doWait(long nanos, boolean interruptible) throws InterruptedException {
        if (sync.tryTake()) {
            return true; // a present token wins, even over a pending interrupt
        }
        if (nanos <= 0) {
            return false;
        }
        final long deadline = nanos == FOREVER ? 0 : System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            for (long remaining = nanos; ; ) {
                try {
                    if (nanos == FOREVER) {
                        sync.acquireSharedInterruptibly(1);
                        return true;
                    }
                    if (timedAcquire.acquire(sync, remaining)) {
                        return true;
                    }
                    // Race: complete() landed between AQS's last try and its deadline check.
                    return sync.tryTake();
                } catch (InterruptedException e) {
                    // Race: the interrupt and a token arrived together; Linux checks done first.
                    if (sync.tryTake()) {
                        interrupted = true;
                        return true;
                    }
                    if (interruptible) {
                        throw e;
                    }
                    interrupted = true;
                    if (nanos != FOREVER) {
                        remaining = deadline - System.nanoTime();
                        if (remaining <= 0) {
                            return sync.tryTake();
                        }
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException beyondLong) {
            return FOREVER;
        }
    }
}
