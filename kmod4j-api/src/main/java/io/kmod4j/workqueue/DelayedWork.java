package io.kmod4j.workqueue;

import java.time.Duration;
import java.util.Objects;

/**
 * A work item queued after a delay ({@code struct delayed_work}, {@code INIT_DELAYED_WORK}).
 *
 * <p>Everything {@link Work} says holds; in addition a delayed work is pending while its timer
 * runs, so it cannot be queued again meanwhile, and {@link #cancel()} also stops the timer. The
 * timer uses the owner's kernel clock ({@code jiffies}); when it expires the work is queued on the
 * workqueue given when it was armed. A delay of zero or less queues the work at once.
 *
 * <p><b>Memory consistency effects:</b> as for {@link Work}; actions before a call that arms the
 * timer happen-before the execution that serves it.
 */
public final class DelayedWork extends Work {

    /**
     * Creates an idle delayed work that runs {@code fn} ({@code INIT_DELAYED_WORK}), owned by the
     * current owner and named after the function's class.
     *
     * @throws NullPointerException if {@code fn} is null
     */
    public DelayedWork(WorkFn fn) {
        super(fn);
    }

    /**
     * Creates an idle delayed work named {@code name} that runs {@code fn}
     * ({@code INIT_DELAYED_WORK}), owned by the current owner.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public DelayedWork(String name, WorkFn fn) {
        super(name, fn);
    }

    /**
     * Queues the work on the system workqueue after {@code delay} ({@code schedule_delayed_work}).
     * May be called from any context; never blocks for long.
     *
     * @param delay how long to wait; zero or less queues at once
     * @return {@code true} if it was armed (or queued); {@code false} if it was already pending,
     *     waiting for its timer or queued, or queueing is refused as described in {@link Work#schedule()}
     */
    public boolean schedule(Duration delay) {
        long nanos = Invoker.nanos(Objects.requireNonNull(delay, "delay"));
        Workqueue wq = systemQueue();
        return wq != null && enqueue(wq, nanos, false);
    }

    /**
     * Queues the work on {@code wq} after {@code delay} ({@code queue_delayed_work}).
     *
     * @return {@code true} if it was armed (or queued), {@code false} as for {@link #schedule(Duration)},
     *     or if {@code wq} is destroyed or being destroyed
     */
    public boolean queueOn(Workqueue wq, Duration delay) {
        Objects.requireNonNull(wq, "wq");
        return enqueue(wq, Invoker.nanos(Objects.requireNonNull(delay, "delay")), false);
    }

    /**
     * Re-arms the work to be queued on the system workqueue after {@code delay}, whether or not it
     * is pending ({@code mod_delayed_work(system_wq, ...)}): a pending instance, waiting for its
     * timer or already queued, is taken back and armed anew. May be called from any context.
     *
     * @param delay how long to wait from now; zero or less queues at once
     * @return {@code true} if it was pending (and is now re-armed); {@code false} if it was idle
     *     and is now armed, or if queueing is refused (disabled, being cancelled, owner going
     *     away), in which case it stays idle
     */
    public boolean modify(Duration delay) {
        long nanos = Invoker.nanos(Objects.requireNonNull(delay, "delay"));
        Workqueue wq = systemQueue();
        return wq != null && enqueue(wq, nanos, true);
    }

    /**
     * As {@link #modify(Duration)}, queueing on {@code wq} ({@code mod_delayed_work}).
     *
     * @return as for {@link #modify(Duration)}
     */
    public boolean modifyOn(Workqueue wq, Duration delay) {
        Objects.requireNonNull(wq, "wq");
        return enqueue(wq, Invoker.nanos(Objects.requireNonNull(delay, "delay")), true);
    }

    /**
     * Queues the work now if its timer is running, then waits for that execution to finish
     * ({@code flush_delayed_work}). Otherwise as {@link Work#flush()}.
     *
     * @return {@code true} if it waited, {@code false} if the work was idle
     * @throws IllegalStateException if called from the work's own function
     */
    @Override
    public boolean flush() {
        return super.flush();
    }

    /**
     * Stops the timer or takes the queued instance back, without waiting for a running one
     * ({@code cancel_delayed_work}).
     *
     * @return {@code true} if the work was pending, waiting for its timer or queued
     */
    @Override
    public boolean cancel() {
        return super.cancel();
    }

    /**
     * As {@link #cancel()}, then waits for a running instance to return; queueing fails meanwhile
     * ({@code cancel_delayed_work_sync}).
     *
     * @return {@code true} if the work was pending
     * @throws IllegalStateException if called from the work's own function
     */
    @Override
    public boolean cancelSync() {
        return super.cancelSync();
    }

    @Override
    String kind() {
        return "delayed_work";
    }
}
