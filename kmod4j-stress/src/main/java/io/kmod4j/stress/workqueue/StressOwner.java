package io.kmod4j.stress.workqueue;

import io.kmod4j.Taint;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The owner of the work items and timers under test: a module as the workqueue code sees it,
 * with the test's {@link Kworker} as its kworker pool and a {@link StressClock} as its kernel
 * clock. It takes every resource, counts what it holds, and records warnings and oopses (none is
 * expected: a test may check {@link #trouble()}). One per jcstress state, so states share nothing
 * (each clock also gets its own system workqueue).
 */
public final class StressOwner implements Owner {

    private final Executor kworker;
    private final Scheduler clock;
    private final Set<OwnedResource> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger trouble = new AtomicInteger();

    public StressOwner(Executor kworker, Scheduler clock) {
        this.kworker = kworker;
        this.clock = clock;
    }

    /** Creates something owned by this owner (a Work, a KTimer): runs {@code create} with it bound. */
    public <T> T own(Supplier<T> create) {
        return ScopedValue.where(Ownership.CURRENT, this).call(create::get);
    }

    /** Resources held now: busy spells of work items and timers. */
    public int held() {
        return held.size();
    }

    /** Warnings logged and oopses taken. */
    public int trouble() {
        return trouble.get();
    }

    @Override
    public String name() {
        return "stress";
    }

    @Override
    public void adopt(OwnedResource resource) {
        held.add(resource);
    }

    @Override
    public void release(OwnedResource resource) {
        held.remove(resource); // idempotent, as the contract asks
    }

    @Override
    public ClassLoader contextClassLoader() {
        return null;
    }

    @Override
    public void printk(Level level, String message) {
        if (level.compareTo(Level.WARNING) <= 0) {
            trouble.incrementAndGet();
        }
    }

    @Override
    public void taint(Taint taint, String reason) {
        trouble.incrementAndGet();
    }

    @Override
    public Executor workExecutor() {
        return kworker;
    }

    @Override
    public Scheduler scheduler() {
        return clock;
    }
}
