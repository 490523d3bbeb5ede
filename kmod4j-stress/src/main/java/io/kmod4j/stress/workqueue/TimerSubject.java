package io.kmod4j.stress.workqueue;

import java.time.Duration;

/**
 * A kernel timer as the timer tests drive it: {@link io.kmod4j.workqueue.KTimer} through
 * {@link Impl#REAL}, or a canary copy with a planted bug. The methods are the ones of
 * {@code KTimer}, with its contracts.
 */
public interface TimerSubject {

    /** {@code mod_timer}. */
    boolean modify(Duration expires);

    /** {@code timer_delete}. */
    boolean delete();

    /** {@code timer_delete_sync}. */
    boolean deleteSync();

    /** {@code timer_pending}. */
    boolean isPending();
}
