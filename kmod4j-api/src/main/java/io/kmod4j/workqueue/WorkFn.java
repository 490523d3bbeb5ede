package io.kmod4j.workqueue;

/**
 * The function a {@link Work} or {@link DelayedWork} runs ({@code work_func_t}).
 *
 * <p>It runs on a kworker thread of its owner's kernel, with its owner bound as the current owner
 * and the owner's class loader as the thread's context class loader. A work that needs its own
 * handle (to queue itself again) keeps it in a field, as Java code usually does.
 */
@FunctionalInterface
public interface WorkFn {

    /**
     * Does the work once.
     *
     * @throws Exception any failure: it is an oops (see {@link Work}), and the work stays usable
     */
    void run() throws Exception;
}
