package io.kmod4j.workqueue;

/**
 * The callback a {@link KTimer} runs when it expires ({@code void (*function)(struct timer_list *)}).
 *
 * <p>It runs on a kworker thread of its owner's kernel, never on the clock's thread, with its
 * owner bound as the current owner and the owner's class loader as the thread's context class
 * loader. Unlike Linux's softirq callbacks it may block, though a long callback delays the next
 * expiry of the same timer.
 */
@FunctionalInterface
public interface TimerFn {

    /**
     * Handles one expiry.
     *
     * @throws Exception any failure: it is an oops (see {@link KTimer}), and the timer stays usable
     */
    void run() throws Exception;
}
