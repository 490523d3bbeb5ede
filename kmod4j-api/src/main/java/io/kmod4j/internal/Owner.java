package io.kmod4j.internal;

import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.log.Level;

/**
 * Someone who owns kernel resources: a loaded module, or the kernel itself. <b>Not API.</b>
 *
 * <p>Implementations must be thread-safe; every method may be called from any thread and must
 * not call user code.
 */
public interface Owner {

    /** The module's name, or {@code "kernel"}. */
    String name();

    /**
     * Registers a new resource, or refuses it.
     *
     * @throws KernelException {@code EAGAIN} when a per-owner limit is reached, {@code ENODEV}
     *     when the owner is going away and takes nothing new
     */
    void adopt(OwnedResource resource) throws KernelException;

    /** Forgets a resource that has ended. Idempotent. */
    void release(OwnedResource resource);

    /** The context class loader for threads this owner starts; {@code null} for the default. */
    ClassLoader contextClassLoader();

    /** Appends a line to this owner's kernel log. */
    void printk(Level level, String message);

    /** Marks this owner (and its kernel) tainted. */
    void taint(Taint taint, String reason);

    /**
     * Where this owner's work items and timer callbacks run ({@code kworker} threads). The
     * executor's threads belong to the kernel; the work binds its owner while it runs.
     */
    java.util.concurrent.Executor workExecutor();

    /** The clock and timer for this owner's delayed work and timers. */
    Scheduler scheduler();
}
