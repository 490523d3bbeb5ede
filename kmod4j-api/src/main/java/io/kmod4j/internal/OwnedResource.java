package io.kmod4j.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * Something an {@link Owner} must stop before it can go away: a kthread, a work item, a timer, a
 * pending firmware request. <b>Not API.</b>
 *
 * <p>Owners compare resources by identity. One work item or timer shows up as a fresh resource
 * object for each busy spell (from idle to pending or running and back), so an owner may briefly
 * see two for the same item. {@link #requestStop()} may call {@link Owner#release} on the
 * calling thread: owners iterate over a copy of their resources.
 */
public interface OwnedResource {

    /**
     * What it is: {@code "kthread"}, {@code "work"}, {@code "delayed_work"}, {@code "timer"},
     * {@code "workqueue"}, {@code "firmware request"}, {@code "fw_upload"}.
     */
    String kind();

    /** Its name, for reports. */
    String name();

    /**
     * Asks it to stop the kernel way, without waiting: a kthread gets {@code kthread_stop}'s
     * flag, wake-up and interrupt; pending work and timers are cancelled. Never blocks; never
     * runs owner code. Idempotent.
     */
    void requestStop();

    /**
     * Waits until it can no longer run owner code: the thread has terminated, the work has
     * finished or been cancelled.
     *
     * @return {@code true} if it is quiescent, {@code false} if the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitQuiescent(Duration timeout) throws InterruptedException;

    /** The thread running it now, if any: for hung-task reports. */
    Optional<Thread> thread();

    /** One line for reports: its state now. */
    String describe();
}
