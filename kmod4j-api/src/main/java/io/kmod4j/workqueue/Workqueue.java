package io.kmod4j.workqueue;

import io.kmod4j.KernelException;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.internal.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A workqueue: where {@link Work} is queued, and how much of it may run at once
 * ({@code struct workqueue_struct}).
 *
 * <p>Each kernel has one system workqueue, {@link #system()} ({@code system_wq}, named
 * {@code "events"}), which {@link Work#schedule()} uses. A module that needs a bound on
 * concurrency, strict ordering, or a queue it can flush on its own creates one
 * ({@link #create(String)}, {@link #create(String, int)}, {@link #createOrdered(String)}), and
 * destroys it in its exit ({@link #destroy()}). A created workqueue is owned like a kthread: if
 * its module forgets to destroy it, {@code rmmod} does, after cancelling what is still queued on it.
 *
 * <p>Works are started in the order they were queued, at most {@link #maxActive()} at once; the
 * functions run on their owners' kworker threads, never on a thread of the queue's own. A work
 * queued while it runs elsewhere keeps its place and its slot, and starts when its previous
 * execution ends.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   LIVE ──destroy()──▶ DRAINING ──drained──▶ DESTROYED
 *     └──────────owner going away──────────────▲
 * </pre>
 * Transitions only move forward. While {@link State#DRAINING DRAINING} only a work running on
 * this queue may queue work on it ({@code drain_workqueue}'s chained work); once
 * {@link State#DESTROYED DESTROYED} every queueing fails. The system workqueue is always
 * {@link State#LIVE LIVE}.
 *
 * <p><b>Memory consistency effects:</b> actions of every execution that {@link #flush()} or
 * {@link #destroy()} waited for happen-before it returns.
 */
public final class Workqueue {

    /*
     * Overview
     *
     * `waiting` holds entries (one per pending instance) in queueing order; `active` counts
     * entries handed to kworkers and not yet finished; `live` holds the sequence numbers of every
     * entry not yet finished (waiting or active), so flush() can wait for "everything queued up
     * to now" while later entries come and go. The queue never takes a work's lock: a work takes
     * this lock inside its own (offer, remove), never the other way round, and kworkers are
     * started after this lock is released (pump).
     *
     * An entry no kworker took (the executor refused it, or threw an Error) is dropped by its
     * work and its slot given back at once; pump() passes an Error on only after every entry it
     * took from `waiting` is started or dropped. An executor that throws may still have kept the
     * task: `finished` makes the late execution give back nothing a second time.
     */

    /** The states of a workqueue; transitions only move forward. */
    public enum State {
        /** Accepts work. */
        LIVE,
        /** {@link #destroy()} is waiting for queued work to finish; only chained work is accepted. */
        DRAINING,
        /** Accepts nothing. */
        DESTROYED
    }

    /** The largest {@code maxActive} ({@code WQ_MAX_ACTIVE}). */
    public static final int MAX_ACTIVE = 2048;

    /** The {@code maxActive} of {@link #create(String)} and the system queue ({@code WQ_DFL_ACTIVE}). */
    public static final int DEFAULT_MAX_ACTIVE = MAX_ACTIVE / 2;

    /*
     * One system workqueue per kernel. The seam has no kernel object yet; the owner's scheduler
     * is one per kernel (Scheduler's contract), so it stands for the kernel. Weak keys: a kernel
     * that is gone takes its queue with it. The queue refers to neither owner nor scheduler.
     */
    private static final Map<Scheduler, Workqueue> SYSTEM = new WeakHashMap<>(); // guarded by itself

    private final String name;
    private final int maxActive;
    private final boolean ordered;
    private final boolean system;
    private final String ownerName;
    private final Resource resource = new Resource();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private volatile Owner owner;                        // null for the system queue, and once released
    private volatile State state = State.LIVE;           // written under lock
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>(); // guarded by lock
    private final TreeSet<Long> live = new TreeSet<>();  // guarded by lock
    private long seq;                                    // guarded by lock
    private int active;                                  // guarded by lock
    private boolean released;                            // guarded by lock

    private Workqueue(String name, int maxActive, boolean ordered, Owner owner) {
        this.name = name;
        this.maxActive = maxActive;
        this.ordered = ordered;
        this.system = owner == null;
        this.owner = owner;
        this.ownerName = owner == null ? "kernel" : owner.name();
    }

    // ---------------------------------------------------------------- creation

    /**
     * The system workqueue of the current owner's kernel ({@code system_wq}): named
     * {@code "events"}, {@link #DEFAULT_MAX_ACTIVE} works at once, never destroyed. Never blocks.
     */
    public static Workqueue system() {
        return systemFor(Ownership.current());
    }

    static Workqueue systemFor(Owner owner) {
        Scheduler kernel = owner.scheduler();
        synchronized (SYSTEM) {
            return SYSTEM.computeIfAbsent(kernel, k -> new Workqueue("events", DEFAULT_MAX_ACTIVE, false, null));
        }
    }

    /**
     * Creates a workqueue that runs up to {@link #DEFAULT_MAX_ACTIVE} works at once
     * ({@code alloc_workqueue(name, 0, 0)}), owned by the current owner. Never blocks for long.
     *
     * @throws KernelException {@code ENODEV} if the owning module is being unloaded, {@code EAGAIN}
     *     if its owner refuses more resources
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Workqueue create(String name) throws KernelException {
        return alloc(name, DEFAULT_MAX_ACTIVE, false);
    }

    /**
     * Creates a workqueue that runs up to {@code maxActive} works at once
     * ({@code alloc_workqueue(name, 0, max_active)}), owned by the current owner. Works still
     * start in queueing order; with {@code maxActive} 1 they also run one at a time, but only
     * {@link #createOrdered} says so in its contract.
     *
     * @param maxActive 1 to {@link #MAX_ACTIVE}
     * @throws KernelException as for {@link #create(String)}
     * @throws IllegalArgumentException if {@code name} is blank or {@code maxActive} out of range
     *     (Linux clamps and warns)
     */
    public static Workqueue create(String name, int maxActive) throws KernelException {
        if (maxActive < 1 || maxActive > MAX_ACTIVE) {
            throw new IllegalArgumentException("maxActive must be 1 to " + MAX_ACTIVE + ", was " + maxActive);
        }
        return alloc(name, maxActive, false);
    }

    /**
     * Creates an ordered workqueue: one work at a time, in queueing order
     * ({@code alloc_ordered_workqueue}), owned by the current owner.
     *
     * @throws KernelException as for {@link #create(String)}
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Workqueue createOrdered(String name) throws KernelException {
        return alloc(name, 1, true);
    }

    private static Workqueue alloc(String name, int maxActive, boolean ordered) throws KernelException {
        Invoker.checkName(name, "workqueue");
        Owner o = Ownership.current();
        Workqueue wq = new Workqueue(name, maxActive, ordered, o);
        o.adopt(wq.resource);
        return wq;
    }

    // ---------------------------------------------------------------- flush and destroy

    /**
     * Waits until every work queued on this queue before the call has finished or been cancelled
     * ({@code flush_workqueue}). Work queued after the call, a work queuing itself again
     * included, is not waited for, nor is a delayed work whose timer has not yet expired. Waits
     * uninterruptibly; an interrupt is kept in the interrupt status.
     *
     * @throws IllegalStateException if called from a work running on this queue, which would wait
     *     for itself (Linux deadlocks)
     */
    public void flush() {
        refuseFromOwnWork("flush()");
        lock.lock();
        try {
            long upTo = seq;
            while (!live.isEmpty() && live.first() <= upTo) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drains the queue and destroys it ({@code destroy_workqueue}): from now on only works running
     * on this queue may queue work on it; when nothing is queued or running any more it refuses
     * every queueing, and its owner forgets it. Delayed works whose timers expire later are
     * dropped with a warning: cancel them first, as in Linux.
     *
     * <p>Waits uninterruptibly for as long as queued works run; a work that keeps queueing itself
     * keeps it waiting. Calling it again, or after the owner went away, waits for the same drain
     * and returns.
     *
     * @throws IllegalStateException on the system workqueue, or from a work running on this queue
     */
    public void destroy() {
        if (system) {
            throw new IllegalStateException("the system workqueue '" + name + "' cannot be destroyed");
        }
        refuseFromOwnWork("destroy()");
        boolean release;
        lock.lock();
        try {
            if (state == State.LIVE) {
                state = State.DRAINING;
                changed.signalAll();
            }
            while (!live.isEmpty()) {
                changed.awaitUninterruptibly();
            }
            state = State.DESTROYED;
            release = takeReleaseLocked();
        } finally {
            lock.unlock();
        }
        if (release) {
            releaseFromOwner();
        }
    }

    private void refuseFromOwnWork(String what) {
        if (isRunningCurrentWork()) {
            throw new IllegalStateException("work '" + Work.RUNNING.get().name() + "' called " + what
                    + " on its own workqueue '" + name + "': it would wait for itself forever");
        }
    }

    /** Whether the caller is a work function queued on this queue (chained work). */
    boolean isRunningCurrentWork() {
        return Work.RUNNING.isBound() && Work.RUNNING.get().runningOn() == this;
    }

    // ---------------------------------------------------------------- queries

    /** The queue's name. */
    public String name() {
        return name;
    }

    /** How many works may run at once. */
    public int maxActive() {
        return maxActive;
    }

    /** Whether it was made by {@link #createOrdered}: one at a time, in queueing order. */
    public boolean isOrdered() {
        return ordered;
    }

    /** The state now; a snapshot. */
    public State state() {
        return state;
    }

    /** The name of the owner: the module that created it, or {@code "kernel"}. */
    public String owner() {
        return ownerName;
    }

    @Override
    public String toString() {
        return resource.describe();
    }

    // ---------------------------------------------------------------- called by Work

    /** A pending instance of a work, queued on one workqueue. Identity matters. */
    static final class Entry {
        final Work work;
        final Workqueue wq;
        final Executor executor;
        long seq;         // assigned by offer, under the queue's lock
        boolean finished; // its slot was given back; under the queue's lock

        Entry(Work work, Workqueue wq, Executor executor) {
            this.work = work;
            this.wq = wq;
            this.executor = executor;
        }
    }

    /** Whether a work would be accepted now. */
    boolean accepts(boolean chained) {
        return switch (state) {
            case LIVE -> true;
            case DRAINING -> chained;
            case DESTROYED -> false;
        };
    }

    /** Adds {@code e} at the tail, unless the queue refuses it; the caller pumps afterwards. */
    boolean offer(Entry e, boolean chained) {
        lock.lock();
        try {
            if (!accepts(chained)) {
                return false;
            }
            e.seq = ++seq;
            waiting.addLast(e);
            live.add(e.seq);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes back {@code e} if no kworker has it yet; called under the work's lock. */
    boolean remove(Entry e) {
        lock.lock();
        try {
            if (!waiting.remove(e)) {
                return false;
            }
            live.remove(e.seq);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands waiting entries to kworkers while slots are free. Call with no lock held. An entry
     * whose executor refuses it or throws is dropped (its work is not pending any more).
     *
     * @throws RuntimeException or Error: what an executor threw, other than a refusal, passed on
     *     once every entry taken here is started or dropped
     */
    void pump() {
        List<Entry> start = null;
        lock.lock();
        try {
            while (active < maxActive && !waiting.isEmpty()) {
                active++;
                if (start == null) {
                    start = new ArrayList<>();
                }
                start.add(waiting.pollFirst());
            }
        } finally {
            lock.unlock();
        }
        if (start == null) {
            return;
        }
        Throwable failure = null;
        for (Entry e : start) {
            try {
                e.executor.execute(() -> e.work.execute(e));
            } catch (RuntimeException | Error x) {
                failure = notStarted(e, x, failure);
            }
        }
        if (failure != null) {
            Invoker.rethrow(failure);
        }
    }

    /**
     * No kworker took {@code e}: the executor refused it, or failed (out of memory starting a
     * thread, a bug). Either way its work drops it, as for a refusal, so that the work is not
     * pending for ever and the slot comes back; what is not a refusal is added to {@code failure}.
     */
    private static Throwable notStarted(Entry e, Throwable x, Throwable failure) {
        if (!(x instanceof RejectedExecutionException)) {
            failure = Invoker.firstOf(failure, x);
        }
        try {
            e.work.rejected(e, x);
        } catch (RuntimeException | Error y) { // pumping again for the freed slot, or the owner's log
            failure = Invoker.firstOf(failure, y);
        }
        return failure;
    }

    /**
     * The execution for {@code e} has ended, or {@code e} was stale or dropped: free its slot,
     * once, then start what waits for it (which may throw, as {@link #pump()}).
     */
    void finished(Entry e) {
        boolean release;
        lock.lock();
        try {
            if (e.finished) {
                return; // dropped when its executor threw, yet the executor kept it and ran it
            }
            e.finished = true;
            active--;
            live.remove(e.seq);
            release = state == State.DESTROYED && live.isEmpty() && takeReleaseLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (release) {
            releaseFromOwner();
        }
        pump();
    }

    /** Whether this caller is the one to tell the owner the queue is gone. */
    private boolean takeReleaseLocked() {
        if (released || system) {
            return false;
        }
        released = true;
        return true;
    }

    private void releaseFromOwner() {
        Owner o = owner;
        owner = null; // a destroyed queue must not pin its module
        o.release(resource);
    }

    /** The workqueue as its owner sees it: destroyed without waiting when the owner goes away. */
    private final class Resource implements OwnedResource {
        @Override
        public String kind() {
            return "workqueue";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void requestStop() {
            List<Entry> queued;
            lock.lock();
            try {
                state = State.DESTROYED;
                changed.signalAll();
                queued = List.copyOf(waiting);
            } finally {
                lock.unlock();
            }
            for (Entry e : queued) {
                e.work.cancelQueued(e);
            }
            boolean release;
            lock.lock();
            try {
                release = live.isEmpty() && takeReleaseLocked();
            } finally {
                lock.unlock();
            }
            if (release) {
                releaseFromOwner();
            }
        }

        @Override
        public boolean awaitQuiescent(Duration timeout) throws InterruptedException {
            long nanos = Invoker.nanos(timeout);
            lock.lockInterruptibly();
            try {
                while (!live.isEmpty()) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = changed.awaitNanos(nanos);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Optional<Thread> thread() {
            return Optional.empty(); // its works run on kworkers and report their own threads
        }

        @Override
        public String describe() {
            lock.lock();
            try {
                return "workqueue '" + name + "' of " + ownerName + " " + state + ": " + waiting.size()
                        + " queued, " + active + " active, max_active " + maxActive + (ordered ? " (ordered)" : "");
            } finally {
                lock.unlock();
            }
        }
    }
}
