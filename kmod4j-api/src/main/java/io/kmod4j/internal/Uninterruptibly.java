package io.kmod4j.internal;

/**
 * Waits that must not end early when the waiting thread is interrupted, such as
 * {@code kthread_stop()} waiting for the thread to end. <b>Not API.</b>
 *
 * <p>The wait is repeated until it returns normally; an interrupt received meanwhile is kept: the
 * caller's interrupt status is set again on return, as {@code awaitUninterruptibly()} does in
 * {@code java.util.concurrent}.
 */
public final class Uninterruptibly {

    private Uninterruptibly() {}

    /** A wait that an interrupt can end. */
    @FunctionalInterface
    public interface Wait {
        void await() throws InterruptedException;
    }

    /** Runs {@code wait} until it returns without being interrupted. */
    public static void run(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for {@code t} to end. The same as {@code run(t::join)} without the method reference,
     * for paths that start and stop many threads.
     */
    public static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
