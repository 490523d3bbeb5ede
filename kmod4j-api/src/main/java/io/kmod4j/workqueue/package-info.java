/**
 * Deferred execution: work items, workqueues and timers ({@code include/linux/workqueue.h},
 * {@code include/linux/timer.h}).
 *
 * <ul>
 *   <li>{@link io.kmod4j.workqueue.Work} ({@code struct work_struct}) and
 *       {@link io.kmod4j.workqueue.DelayedWork} ({@code struct delayed_work}): a function to run
 *       later on a kworker thread, queued at most once at a time and never run concurrently with
 *       itself.
 *   <li>{@link io.kmod4j.workqueue.Workqueue}: where work is queued, the per-kernel system queue
 *       ({@code system_wq}) or one a module creates ({@code alloc_workqueue},
 *       {@code alloc_ordered_workqueue}).
 *   <li>{@link io.kmod4j.workqueue.KTimer} ({@code struct timer_list}): a callback run once when a
 *       timer expires. It lives here, not in a package of its own, because it shares the work
 *       items' execution and ownership machinery.
 * </ul>
 *
 * <p>Everything here is owned, like a {@link io.kmod4j.kthread.KThread}: by the module whose code
 * created it, else by the kernel. While a work item or timer can still run its owner's code
 * (pending or running), its owner knows of it, so {@code rmmod} cancels what is pending and waits
 * for what is running before it lets the module go: the bug where a module is unloaded with
 * delayed work still queued, and a kworker later jumps into freed module text, cannot happen.
 * Time comes from the owner's kernel clock, so tests advance a manual clock instead of sleeping.
 */
package io.kmod4j.workqueue;
