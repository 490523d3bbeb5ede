package io.kmod4j.runtime.module;

import io.kmod4j.Taint;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.LogRing;
import java.util.concurrent.Executor;

/** What a loaded module needs from the kernel that loaded it. Implemented by {@code Kernel}. */
public interface KernelServices {

    /** The kernel's log ring. */
    LogRing log();

    /** Marks the kernel tainted. */
    void taint(Taint taint);

    /** Where work items and timer callbacks of modules run. */
    Executor workers();

    /** The kernel's clock and timer. */
    Scheduler scheduler();

    /** Most live kthreads one module may own. */
    int threadLimitPerModule();

    /** The kernel's firmware loader; null if it has none. */
    io.kmod4j.internal.FirmwareProvider firmware();
}
