/**
 * jcstress tests of the workqueue package ({@link io.kmod4j.workqueue.Work},
 * {@link io.kmod4j.workqueue.DelayedWork}, {@link io.kmod4j.workqueue.KTimer}): schedule()
 * coalescing, never running concurrently with itself, cancelSync() and flush() versus a running
 * instance, timer modify/deleteSync versus expiry. The races themselves are in {@link
 * io.kmod4j.stress.workqueue.Races}, shared with their canaries; the work runs on a
 * {@link io.kmod4j.stress.workqueue.Kworker} an actor drives, and time is a
 * {@link io.kmod4j.stress.workqueue.StressClock} an actor moves.
 */
package io.kmod4j.stress.workqueue;
