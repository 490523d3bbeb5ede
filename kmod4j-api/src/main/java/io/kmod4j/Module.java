package io.kmod4j;

/**
 * A loadable module: the class a module JAR names as its entry point ({@code module_init} /
 * {@code module_exit}).
 *
 * <p>The runtime creates one instance with the public no-argument constructor, sets its
 * {@link Param} fields, calls {@link #init} once, and, at {@code rmmod}, calls {@link #exit} once.
 * Both run in the calling task ({@code insmod}, {@code rmmod}) with the module as the owner of
 * whatever they create; neither is called under a runtime lock.
 *
 * <p>A module that does not override {@link #exit} is <em>permanent</em>, as a Linux module with
 * {@code module_init} but no {@code module_exit}: {@code rmmod} refuses it with {@code EBUSY}
 * unless forced.
 *
 * <p>Whatever the module leaves running when {@code exit} returns (kthreads, work, timers,
 * firmware requests) is stopped and joined by the runtime before the module is gone; threads it
 * started behind the runtime's back are reported.
 */
public interface Module {

    /**
     * Initialises the module ({@code module_init}).
     *
     * @param ctx the module's view of the kernel: its name, parameters, drivers, firmware
     * @throws KernelException to fail the load with that errno. {@link #exit} is not called after
     *     a failed init, and everything init started is stopped before {@code insmod} returns.
     * @throws Exception any other failure: the load fails as for an oops ({@code EFAULT})
     */
    void init(ModuleContext ctx) throws Exception;

    /**
     * Cleans up before the module is unloaded ({@code module_exit}). Should stop what the module
     * started and wait for it; exceptions are logged and the unload goes on.
     */
    default void exit() {
        // Not overridden: the module is permanent (see the class documentation).
    }
}
