package io.kmod4j.internal;

import java.time.Duration;

/**
 * Time and deferred execution for an owner's work items and timers. <b>Not API.</b>
 *
 * <p>The runtime injects one per kernel, so tests can advance a manual clock instead of sleeping;
 * {@link KernelOwner} uses the system clock. Implementations are thread-safe.
 */
public interface Scheduler {

    /** Monotonic nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /**
     * Runs {@code task} after {@code delay}. The task must be quick or hand its work off to an
     * executor: it is called on the scheduler's own thread (or the test's, for a manual clock).
     *
     * @param delay zero or negative means as soon as possible
     * @return a handle that can cancel the task while it has not started
     * @throws java.util.concurrent.RejectedExecutionException once the scheduler is shut down
     *     (its kernel closed); callers clean up their own state first
     */
    Scheduled schedule(Runnable task, Duration delay);

    /** A task waiting for its time. */
    interface Scheduled {
        /** Prevents the task from running if it has not started; {@code true} if this call did. */
        boolean cancel();
    }
}
