package io.kmod4j.testing;

import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.Level;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An owner that stands for another one ({@link TestOwner} or {@link ExecutorOwner}), except that
 * {@link #contextClassLoader()} or {@link #workExecutor()} throws, once, an Error the test arms:
 * the runtime failing (out of memory) in the middle of a work item's or timer's bookkeeping.
 * Its resources, log and clock are the base owner's.
 */
public final class FaultyOwner implements Owner {
    private final Owner base;
    private final AtomicReference<Error> contextClassLoaderFails = new AtomicReference<>();
    private final AtomicReference<Error> workExecutorFails = new AtomicReference<>();

    public FaultyOwner(Owner base) {
        this.base = base;
    }

    /** Runs {@code body} with this owner bound as the current owner. */
    public <T> T call(Callable<T> body) throws Exception {
        return ScopedValue.where(Ownership.CURRENT, this).call(body::call);
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
    public String name() {
        return base.name();
    }

    @Override
    public void adopt(OwnedResource resource) throws KernelException {
        base.adopt(resource);
    }

    @Override
    public void release(OwnedResource resource) {
        base.release(resource);
    }

    @Override
    public ClassLoader contextClassLoader() {
        Error e = contextClassLoaderFails.getAndSet(null);
        if (e != null) {
            throw e;
        }
        return base.contextClassLoader();
    }

    @Override
    public void printk(Level level, String message) {
        base.printk(level, message);
    }

    @Override
    public void taint(Taint taint, String reason) {
        base.taint(taint, reason);
    }

    @Override
    public Executor workExecutor() {
        Error e = workExecutorFails.getAndSet(null);
        if (e != null) {
            throw e;
        }
        return base.workExecutor();
    }

    @Override
    public Scheduler scheduler() {
        return base.scheduler();
    }
}
