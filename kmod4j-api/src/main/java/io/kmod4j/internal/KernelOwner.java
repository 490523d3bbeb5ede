package io.kmod4j.internal;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRing;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The owner of everything created outside any module: host code, the runtime itself, and
 * programs that use the primitives as a plain library. <b>Not API.</b>
 *
 * <p>It logs to {@link LogRing#global()} and counts its live kthreads against a limit
 * ({@link #setThreadLimit(int)}, unlimited by default; the system property
 * {@code kmod4j.kernel.thread-limit} sets the initial value).
 */
public final class KernelOwner implements Owner {

    /** The one kernel owner of this JVM. */
    public static final KernelOwner INSTANCE = new KernelOwner();

    // Only a count: the kernel never enumerates its own kthreads (a module's owner does, to stop
    // them at rmmod), and a counter costs a library user's kthread no lock and no set entry.
    private final AtomicInteger threads = new AtomicInteger();
    private volatile int threadLimit = Integer.getInteger("kmod4j.kernel.thread-limit", Integer.MAX_VALUE);
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);

    private final java.util.concurrent.Executor workers = KernelOwner::startWorker;
    private final Scheduler scheduler = new SystemScheduler("ktimer", LogRing.global());

    private KernelOwner() {}

    private static void startWorker(Runnable r) {
        Thread.ofVirtual().name("kworker").start(r);
    }

    @Override
    public java.util.concurrent.Executor workExecutor() {
        return workers;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public void adopt(OwnedResource resource) throws KernelException {
        if (!"kthread".equals(resource.kind())) {
            return;
        }
        int limit = threadLimit;
        for (int n = threads.get(); ; n = threads.get()) {
            if (n >= limit) {
                throw new KernelException(Errno.EAGAIN, "kernel thread limit reached (" + limit
                        + " threads owned by kernel); cannot create '" + resource.name() + "'");
            }
            if (threads.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    @Override
    public void release(OwnedResource resource) {
        // Each kthread releases itself exactly once (when it ends, or when its creation failed);
        // other kinds were never counted.
        if ("kthread".equals(resource.kind())) {
            threads.decrementAndGet();
        }
    }

    @Override
    public ClassLoader contextClassLoader() {
        return null;
    }

    @Override
    public void printk(Level level, String message) {
        LogRing.global().log(level, name(), message);
    }

    @Override
    public void taint(Taint taint, String reason) {
        synchronized (taints) {
            taints.add(taint);
        }
    }

    /** Taint flags raised by code owned by the kernel. */
    public Set<Taint> taints() {
        synchronized (taints) {
            return taints.isEmpty() ? EnumSet.noneOf(Taint.class) : EnumSet.copyOf(taints);
        }
    }

    /** Live kthreads owned by the kernel. */
    public int threadCount() {
        return threads.get();
    }

    /** Sets how many kthreads the kernel may own at once; creating one more fails with EAGAIN. */
    public void setThreadLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("thread limit must not be negative, was " + limit);
        }
        this.threadLimit = limit;
    }
}
