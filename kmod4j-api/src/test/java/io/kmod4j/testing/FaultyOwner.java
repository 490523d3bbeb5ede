package io.kmod4j.testing;

import io.kmod4j.internal.Owner;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An owner that stands for another one ({@link TestOwner} or {@link ExecutorOwner}), except that
 * {@link #contextClassLoader()} or {@link #workExecutor()} throws, once, an Error the test arms:
 * the runtime failing (out of memory) in the middle of a work item's or timer's bookkeeping.
 * Its resources, log and clock are the base owner's.
 */
public final class FaultyOwner extends ForwardingOwner {
    private final AtomicReference<Error> contextClassLoaderFails = new AtomicReference<>();
    private final AtomicReference<Error> workExecutorFails = new AtomicReference<>();

    public FaultyOwner(Owner base) {
        super(base);
    }

    /** The next {@link #contextClassLoader()} throws {@code e}. */
    public void failNextContextClassLoader(Error e) {
        contextClassLoaderFails.set(e);
    }

    /** The next {@link #workExecutor()} throws {@code e}. */
    public void failNextWorkExecutor(Error e) {
        workExecutorFails.set(e);
    }

    @Override
    public ClassLoader contextClassLoader() {
        throwIfArmed(contextClassLoaderFails);
        return super.contextClassLoader();
    }

    @Override
    public Executor workExecutor() {
        throwIfArmed(workExecutorFails);
        return super.workExecutor();
    }

    private static void throwIfArmed(AtomicReference<Error> armed) {
        Error e = armed.getAndSet(null);
        if (e != null) {
            throw e;
        }
    }
}
