package io.kmod4j.testing;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** An owner for tests: counts resources, enforces a limit, keeps its log and taints. */
public final class TestOwner implements Owner {
    private final String name;
    private final int limit;
    private final List<OwnedResource> resources = new ArrayList<>();
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    private final ClassLoader loader;
    public final LogRing log = new LogRing();
    private final java.util.concurrent.Executor workers = r -> Thread.ofVirtual().name("kworker-test").start(r);
    private volatile io.kmod4j.internal.Scheduler scheduler = new ManualScheduler();

    public TestOwner(String name) {
        this(name, Integer.MAX_VALUE, null);
    }

    public TestOwner(String name, int limit, ClassLoader loader) {
        this.name = name;
        this.limit = limit;
        this.loader = loader;
    }

    /** Runs {@code body} with this owner bound as the current owner. */
    public <T> T call(Callable<T> body) throws Exception {
        return ScopedValue.where(Ownership.CURRENT, this).call(body::call);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void adopt(OwnedResource resource) throws KernelException {
        if (resources.size() >= limit) {
            throw new KernelException(Errno.EAGAIN, name + " has " + limit + " threads already");
        }
        resources.add(resource);
    }

    @Override
    public synchronized void release(OwnedResource resource) {
        resources.remove(resource);
    }

    public synchronized int resourceCount() {
        return resources.size();
    }

    public synchronized List<OwnedResource> resources() {
        return List.copyOf(resources);
    }

    @Override
    public ClassLoader contextClassLoader() {
        return loader;
    }

    @Override
    public void printk(Level level, String message) {
        log.log(level, name, message);
    }

    @Override
    public synchronized void taint(Taint taint, String reason) {
        taints.add(taint);
    }

    public synchronized Set<Taint> taints() {
        return EnumSet.copyOf(taints.isEmpty() ? EnumSet.noneOf(Taint.class) : taints);
    }

    @Override
    public java.util.concurrent.Executor workExecutor() {
        return workers;
    }

    @Override
    public io.kmod4j.internal.Scheduler scheduler() {
        return scheduler;
    }

    /** The manual clock this owner's delayed work and timers use. */
    public ManualScheduler clock() {
        return (ManualScheduler) scheduler;
    }

    /** The whole log as dmesg would print it, one string. */
    public String dmesg() {
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : log.records()) {
            sb.append(r.format()).append('\n');
        }
        return sb.toString();
    }
}
