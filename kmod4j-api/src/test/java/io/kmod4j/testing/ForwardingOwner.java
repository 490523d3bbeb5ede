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
 * An owner that stands for another: every method goes to the base owner, so a test owner that
 * changes one behaviour overrides only that method and keeps the base's resources, log and clock.
 */
public abstract class ForwardingOwner implements Owner {
    private final Owner base;

    protected ForwardingOwner(Owner base) {
        this.base = base;
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
        return base.workExecutor();
    }

    @Override
    public Scheduler scheduler() {
        return base.scheduler();
    }
}
