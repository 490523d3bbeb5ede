package io.kmod4j.kthread;

/**
 * The function a {@link KThread} runs ({@code int (*threadfn)(void *data)}).
 *
 * <p>Its return value becomes the thread's result, which {@link KThread#stop()} returns: by
 * convention zero or a negative errno ({@code Errno.X.code()}). It may end the thread early with
 * {@link KThread#exit(int)} or {@link KThread#completeAndExit}. An exception that escapes it is an
 * oops: see {@link KThread} for the result it gives.
 */
@FunctionalInterface
public interface KThreadFn {

    /**
     * Runs on the kthread.
     *
     * @return the thread's result
     * @throws Exception any failure; it ends the thread as described in {@link KThread}
     */
    int run() throws Exception;
}
