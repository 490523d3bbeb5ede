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

/**
 * A {@link TestOwner} whose work items and timer callbacks run on an executor the test chooses:
 * a single known kworker thread, or one that refuses work. Everything else is the TestOwner's.
 */
public final class ExecutorOwner implements Owner {
    private final TestOwner base;
    private final Executor executor;

    public ExecutorOwner(TestOwner base, Executor executor) {
        this.base = base;
        this.executor = executor;
    }

    /** The owner this one stands for: its log, taints, resources and clock. */
    public TestOwner base() {
        return base;
    }

    /** Runs {@code body} with this owner bound as the current owner. */
    public <T> T call(Callable<T> body) throws Exception {
        return ScopedValue.where(Ownership.CURRENT, this).call(body::call);
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
        return executor;
    }

    @Override
    public Scheduler scheduler() {
        return base.scheduler();
    }
}
