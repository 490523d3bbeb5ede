package io.kmod4j.runtime.module;

import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import java.util.concurrent.Callable;

/**
 * Runs a call into module code on the current thread as the module: the module is the owner of
 * whatever the call creates, and the thread's context class loader is the module's for the
 * duration (restored after, so no runtime thread keeps a module's loader).
 */
public final class InModule {

    private InModule() {}

    /** Calls {@code body} as {@code module} (or the kernel); exceptions pass through unchanged. */
    public static <T> T call(Owner module, Callable<T> body) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(module.contextClassLoader());
        try {
            return ScopedValue.where(Ownership.CURRENT, module).call(body::call);
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /** A body that returns nothing. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} as {@code module}. */
    public static void run(Owner module, Body body) throws Exception {
        call(module, () -> {
            body.run();
            return null;
        });
    }
}
