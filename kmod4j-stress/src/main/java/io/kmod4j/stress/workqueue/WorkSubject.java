package io.kmod4j.stress.workqueue;

import java.time.Duration;

/**
 * A work item as the workqueue tests drive it: {@link io.kmod4j.workqueue.Work} (and
 * {@link io.kmod4j.workqueue.DelayedWork}) through {@link Impl#REAL}, or a canary copy with a
 * planted bug. The methods are the ones of {@code Work}, with its contracts.
 */
public interface WorkSubject {

    /** {@code schedule_work}. */
    boolean schedule();

    /** {@code schedule_delayed_work}; for delayed works only. */
    boolean schedule(Duration delay);

    /** {@code cancel_work}. */
    boolean cancel();

    /** {@code cancel_work_sync}. */
    boolean cancelSync();

    /** {@code disable_work}. */
    boolean disable();

    /** {@code enable_work}; throws IllegalStateException if not disabled. */
    boolean enable();

    /** {@code flush_work}. */
    boolean flush();

    /** {@code work_pending}. */
    boolean isPending();

    /** {@code work_busy} != 0. */
    boolean isBusy();
}
