package io.kmod4j.workqueue;

import io.kmod4j.internal.Oops;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A work item: a function to run later on a kworker thread ({@code struct work_struct},
 * {@code INIT_WORK}), owned by the module (or the kernel) whose code created it.
 *
 * <p>Why it exists: most deferred jobs in a driver need neither a thread of their own nor its
 * lifetime hazards; they need "run this soon, once, off my caller's context". And because every
 * work item is owned, {@code rmmod} cancels what a module left queued and waits for what is still
 * running before it lets the module go.
 *
 * <h2>States</h2>
 * <pre>
 *            queue            start                 ends
 *   IDLE ───────────▶ PENDING ─────▶ RUNNING ─────────────▶ IDLE
 *    ▲                  │ cancel       │ queue again
 *    └──────────────────┘              ▼
 *                               RUNNING + PENDING ──ends──▶ PENDING
 * </pre>
 * <ul>
 *   <li><b>Pending</b> ({@code WORK_STRUCT_PENDING}): queued and not yet started. A pending work
 *       cannot be queued again: {@link #schedule()} and {@link #queueOn} return {@code false}
 *       and the two requests are served by one execution (they coalesce).
 *   <li>Pending is cleared just before the function starts, so a work may be queued again while
 *       it runs, from its own function or elsewhere. It is never run concurrently with itself,
 *       on any workqueue: the next execution starts after the current one has returned.
 *   <li>An exception escaping the function is an <em>oops</em>: logged at {@code ALERT} with the
 *       kworker's name, the owner, the workqueue and the stack, and the owner is tainted
 *       {@link io.kmod4j.Taint#DIE 'D'}. Linux would kill the kworker; here the work stays usable
 *       and may be queued again.
 *   <li>If no kworker can be had for it (the owner's executor refuses it, or throws an
 *       {@link Error} such as {@code OutOfMemoryError}), the pending instance is dropped with a
 *       warning, as if cancelled, and the work stays usable. An Error is then passed on to the
 *       thread that was handing the work over: the caller of {@link #schedule()} or
 *       {@link #queueOn}, the clock's thread (or the caller of {@link #flush()}) for a delayed
 *       work, or a kworker whose finished work freed the slot.
 * </ul>
 *
 * <h2>Execution</h2>
 * The function runs on its owner's kworker threads (the owner's work executor, threads that
 * belong to the kernel). While it runs, its owner is bound as the current owner and the owner's
 * class loader is the thread's context class loader (the previous one is restored after), so a
 * {@link io.kmod4j.kthread.KThread} or work created by the function belongs to the same module.
 *
 * <h2>Ownership</h2>
 * The owner is fixed when the work is constructed. While the work is pending or running its owner
 * holds it as a resource; when it is idle again it is released, so the owner's resources are
 * exactly what could still run its code. When the owner goes away it cancels what is pending,
 * refuses further queueing for good, and waits for a running function to return (it does not
 * interrupt it: like {@code cancel_work_sync()}, it relies on the function ending).
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before a call that queues the work
 * (and returns {@code true}) happen-before the function's execution that serves it. Actions of an
 * execution happen-before {@link #flush()}, {@link #cancelSync()} or {@link #disableSync()}
 * return after waiting for it, and before the next execution of the same work starts.
 */
public sealed class Work permits DelayedWork {

    /*
     * Overview
     *
     * All state is guarded by `lock`; changes are announced on `changed`. `pending` and `runner`
     * are also volatile so that isPending()/isBusy()/thread() read them without the lock.
     *
     * A pending instance is either waiting for its timer (DelayedWork: `timerToken` != null) or
     * an Entry in `target`'s queue (`queued`). The workqueue never takes this lock: it pops the
     * entry and hands it to a kworker, which calls execute(entry). An entry whose work no longer
     * points at it (cancelled, stolen by modify) is stale and only gives its slot back.
     *
     * Lock order: work lock -> workqueue lock -> scheduler. Owner methods, executors and user code
     * are only ever called with no lock held.
     *
     * Generations, for flush(): each queueing that succeeds bumps `queuedGen`; an execution
     * serves every queueing up to `runGen` (the value when it started); `doneGen` is the last
     * generation whose execution has ended and `discardedGen` the last one cancelled.
     *
     * Races handled here:
     *  - queued again while running, entry popped by a second kworker: the second kworker leaves
     *    the entry in `handoff` and the running kworker runs it next (execute/runFrom), so the
     *    work never runs concurrently with itself and the entry keeps its workqueue slot.
     *  - adopt versus release: each busy spell registers its own Registration (see that class).
     *  - cancel versus a kworker about to start the entry: the entry is stale once `queued` no
     *    longer points at it, checked under the lock the kworker starts under.
     */

    /** The work whose function runs on this thread: for self-waits and chained queueing. */
    static final ScopedValue<Work> RUNNING = ScopedValue.newInstance();

    private final String name;
    private final String ownerName;
    private final Resource resource = new Resource();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private volatile Owner owner;   // cleared once stopped and idle: a handle must not pin a module
    private volatile WorkFn fn;     // cleared with it

    private volatile boolean pending;     // written under lock
    private volatile Thread runner;       // written under lock
    private volatile Workqueue runningOn; // written under lock; with runner
    private Workqueue target;             // where the pending instance goes, or is
    private Workqueue.Entry queued;       // the pending instance, queued or dispatched
    private Workqueue.Entry handoff;      // `queued`, dispatched while this work ran elsewhere
    private Scheduler.Scheduled timer;
    private Object timerToken;            // identifies the armed timer; null if none
    private long queuedGen;
    private long runGen;
    private long doneGen;
    private long discardedGen;
    private int cancelling;
    private int disabled;
    private boolean stopped;
    private Registration registration;
    private int releasing;

    /**
     * Creates an idle work item that runs {@code fn} ({@code INIT_WORK}), owned by the current
     * owner. Its name, for reports and oopses, is the function's class.
     *
     * @throws NullPointerException if {@code fn} is null
     */
    public Work(WorkFn fn) {
        this(Invoker.defaultName(Objects.requireNonNull(fn, "fn")), fn);
    }

    /**
     * Creates an idle work item named {@code name} that runs {@code fn} ({@code INIT_WORK}),
     * owned by the current owner: the module whose code runs now, else the kernel.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Work(String name, WorkFn fn) {
        this.name = Invoker.checkName(name, "work");
        this.fn = Objects.requireNonNull(fn, "fn");
        Owner o = Ownership.current();
        this.owner = o;
        this.ownerName = o.name();
    }

    // ---------------------------------------------------------------- queueing

    /**
     * Queues the work on the system workqueue of its owner's kernel ({@code schedule_work}).
     *
     * <p>May be called from any context, the work's own function included; never blocks for long.
     *
     * @return {@code true} if it was queued; {@code false} if it was already pending (the
     *     requests coalesce), or queueing is refused: it is disabled, a {@link #cancelSync()} is
     *     in progress, or its owner is going away (the owner's refusal is also logged as a warning)
     */
    public boolean schedule() {
        Workqueue wq = systemQueue();
        return wq != null && enqueue(wq, 0, false);
    }

    /** The system queue of the owner's kernel; null once the owner has gone (queueing fails). */
    final Workqueue systemQueue() {
        Owner o = owner;
        return o == null ? null : Workqueue.systemFor(o);
    }

    /**
     * Queues the work on {@code wq} ({@code queue_work}). As {@link #schedule()}; also refused,
     * with a warning logged, when {@code wq} is destroyed, or being destroyed and the caller is
     * not a work running on it.
     *
     * @return {@code true} if it was queued, {@code false} as for {@link #schedule()}
     * @throws NullPointerException if {@code wq} is null
     */
    public boolean queueOn(Workqueue wq) {
        return enqueue(Objects.requireNonNull(wq, "wq"), 0, false);
    }

    /**
     * The one queueing routine: {@code queue_work}, {@code queue_delayed_work} and, with
     * {@code modify}, {@code mod_delayed_work}.
     *
     * <p>What the owner, the clock or an executor throws reaches the caller, after an instance
     * queued for now has been pumped: an owner that fails to take back a registration left over
     * by a race must not leave the instance waiting on an idle queue that nothing else pumps.
     *
     * @param delayNanos zero or less queues at once; more arms a timer on the owner's clock
     * @param modify steal a pending instance and queue anew instead of refusing
     * @return without {@code modify}: whether it was queued; with it: whether it was pending
     */
    final boolean enqueue(Workqueue wq, long delayNanos, boolean modify) {
        Owner o = owner; // only ever cleared, once stopped: then the lock check below refuses
        if (o == null) {
            return false;
        }
        boolean chained = wq.isRunningCurrentWork();
        Registration fresh = null;
        Registration unused = null;
        boolean result = false;
        boolean committed = false;
        boolean queueRefused = false;
        Throwable failure = null;
        try {
            for (;;) {
                lock.lock();
                try {
                    if (refusedLocked() || (pending && !modify)) {
                        unused = fresh;
                        break;
                    }
                    if (registration != null || fresh != null) {
                        if (registration == null) {
                            registration = fresh;
                        } else {
                            unused = fresh; // another thread registered this spell meanwhile
                        }
                        boolean was = discardLocked(true);
                        try {
                            committed = commitLocked(o, wq, delayNanos, chained);
                        } finally {
                            queueRefused = !committed; // also when the clock threw: no spell to keep
                            if (!committed && pending) {
                                pending = false; // the re-arm was refused: the instance taken back is gone
                                changed.signalAll();
                            }
                        }
                        result = modify ? was : committed;
                        break;
                    }
                } finally {
                    lock.unlock();
                    if (queueRefused) {
                        releaseIfIdle(); // runs before a throw from the clock propagates, too
                    }
                }
                // Idle: the owner must take the work before it can become pending.
                fresh = Registration.adopt(o, resource, "work '" + name + "' not queued");
                if (fresh == null) {
                    return false;
                }
            }
        } catch (RuntimeException | Error x) {
            failure = x; // thrown before anything was committed
        }
        if (unused != null) {
            try {
                o.release(unused); // also when queuing threw: the owner must not count it for ever
            } catch (RuntimeException | Error x) {
                failure = Invoker.firstOf(failure, x);
            }
        }
        try {
            if (committed && delayNanos <= 0) {
                wq.pump(); // even after the owner failed: on an idle queue nothing else starts it
            } else if (queueRefused && failure == null) {
                o.printk(Level.WARNING, "workqueue '" + wq.name() + "' is "
                        + wq.state().name().toLowerCase(Locale.ROOT) + ": work '" + name + "' not queued");
            }
        } catch (RuntimeException | Error x) {
            failure = Invoker.firstOf(failure, x);
        }
        if (failure != null) {
            Invoker.rethrow(failure);
        }
        return result;
    }

    /** Queueing is refused: owner going away, disabled, or a cancelSync in progress. */
    private boolean refusedLocked() {
        return stopped || disabled > 0 || cancelling > 0;
    }

    /** Makes the work pending on {@code wq}, now or after a timer; false if {@code wq} refuses. */
    private boolean commitLocked(Owner o, Workqueue wq, long delayNanos, boolean chained) {
        if (delayNanos <= 0) {
            Workqueue.Entry e = new Workqueue.Entry(this, wq, o.workExecutor());
            if (!wq.offer(e, chained)) {
                return false;
            }
            queued = e;
        } else {
            if (!wq.accepts(chained)) {
                return false;
            }
            Object token = new Object();
            timer = o.scheduler().schedule(() -> timerFired(token), Duration.ofNanos(delayNanos));
            timerToken = token;
        }
        target = wq;
        pending = true;
        queuedGen++;
        changed.signalAll();
        return true;
    }

    /**
     * Takes the pending instance back, wherever it is ({@code try_to_grab_pending}).
     *
     * @return whether it was pending
     */
    private boolean discardLocked() {
        return discardLocked(false);
    }

    /**
     * As {@link #discardLocked()}; with {@code requeue} the caller queues it again before it
     * releases the lock, so {@code pending} stays true for the unlocked {@link #isPending()}
     * (Linux's try_to_grab_pending keeps PENDING set for the grabber: {@code mod_delayed_work}
     * never shows a pending work as idle). The caller clears it if the new instance is refused.
     */
    private boolean discardLocked(boolean requeue) {
        if (!pending) {
            return false;
        }
        if (timer != null) {
            timer.cancel(); // if it already started, timerFired finds its token stale
            timer = null;
            timerToken = null;
        }
        if (queued != null) {
            queued.wq.remove(queued); // if already dispatched, execute() finds it stale
            queued = null;
        }
        target = null;
        pending = requeue;
        discardedGen = queuedGen;
        changed.signalAll();
        return true;
    }

    /** The delayed work's timer expired (on the clock's thread): queue it now. */
    private void timerFired(Object token) {
        Workqueue wq;
        boolean accepted;
        try {
            lock.lock();
            try {
                if (timerToken != token) {
                    return; // cancelled, re-armed or flushed meanwhile
                }
                timer = null;
                timerToken = null;
                wq = target;
                accepted = queueNowLocked();
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error x) {
            releaseIfIdle(); // queueNowLocked dropped the instance: give back its registration
            throw x;
        }
        afterTimer(wq, accepted);
    }

    /**
     * Moves a pending instance from its timer to its workqueue. Drops it if the queue refuses, or
     * if queueing throws (out of memory, the owner): with neither timer nor entry it would stay
     * pending for ever. The caller releases the registration after unlocking.
     */
    private boolean queueNowLocked() {
        boolean offered = false;
        try {
            Workqueue.Entry e = new Workqueue.Entry(this, target, owner.workExecutor());
            offered = target.offer(e, false);
            if (offered) {
                queued = e;
            }
        } finally {
            if (!offered) {
                target = null;
                pending = false;
                discardedGen = queuedGen;
                changed.signalAll();
            }
        }
        return offered;
    }

    private void afterTimer(Workqueue wq, boolean accepted) {
        if (accepted) {
            wq.pump();
            return;
        }
        Owner o = owner;
        try {
            if (o != null) {
                o.printk(Level.WARNING, "workqueue '" + wq.name() + "' is "
                        + wq.state().name().toLowerCase(Locale.ROOT) + ": delayed work '" + name + "' dropped");
            }
        } finally {
            releaseIfIdle();
        }
    }

    // ---------------------------------------------------------------- execution (kworker side)

    /** A kworker took {@code e} from its workqueue: run it, hand it over, or drop it if stale. */
    final void execute(Workqueue.Entry e) {
        Workqueue.Entry stale = null;
        boolean run = false;
        lock.lock();
        try {
            if (queued != e) {
                stale = e; // cancelled or stolen after the workqueue popped it
            } else if (runner != null) {
                // Running elsewhere: that kworker runs it next, never both at once. A handoff
                // already there was cancelled since (it is not `queued`): give its slot back.
                stale = handoff;
                handoff = e;
            } else {
                beginLocked(e);
                run = true;
            }
        } finally {
            lock.unlock();
        }
        if (stale != null) {
            stale.wq.finished(stale);
        }
        if (run) {
            runFrom(e);
        }
    }

    /**
     * A kworker could not be had for {@code e}: its executor refused it, or threw (the workqueue
     * passes that on afterwards). Drop the instance it carried, as cancel() would.
     */
    final void rejected(Workqueue.Entry e, Throwable why) {
        boolean was;
        lock.lock();
        try {
            was = queued == e && discardLocked();
        } finally {
            lock.unlock();
        }
        Owner o = owner;
        try {
            e.wq.finished(e); // pumps the freed slot: may throw what another entry's executor threw
        } finally {
            try {
                if (was && o != null) {
                    o.printk(Level.WARNING, "work '" + name + "' dropped: no kworker available ("
                            + Oops.printable(why) + ")");
                }
            } finally {
                releaseIfIdle();
            }
        }
    }

    /** Its workqueue is going away with its owner: cancel the instance {@code e} carries. */
    final void cancelQueued(Workqueue.Entry e) {
        lock.lock();
        try {
            if (queued == e) {
                discardLocked();
            }
        } finally {
            lock.unlock();
        }
        releaseIfIdle();
    }

    private void beginLocked(Workqueue.Entry e) {
        pending = false;
        queued = null;
        target = null;
        runner = Thread.currentThread();
        runningOn = e.wq;
        runGen = queuedGen;
        changed.signalAll();
    }

    /**
     * Runs {@code e}, then whatever was handed over meanwhile, on this kworker. The function's
     * own exceptions are oopses (Invoker). Anything else thrown on the way (an Error before the
     * function starts, or from the queue starting the next work when this one gives its slot
     * back) is passed on only once every execution begun here has ended and been accounted for:
     * a work left running, or a registration left half released, would make flush(),
     * cancelSync() and rmmod wait for ever.
     */
    private void runFrom(Workqueue.Entry e) {
        Owner o = owner; // not cleared while running
        Throwable failure = null;
        while (e != null) {
            try {
                String context = "Workqueue: " + e.wq.name() + " " + name;
                WorkFn f = fn;
                Invoker.run(o, ScopedValue.where(Ownership.CURRENT, o).where(RUNNING, this), f::run,
                        "work '" + name + "'", context);
            } catch (RuntimeException | Error x) {
                failure = Invoker.firstOf(failure, x); // the execution is over all the same
            }
            Workqueue.Entry next = null;
            Workqueue.Entry stale = null;
            Registration idle = null;
            lock.lock();
            try {
                runner = null;
                runningOn = null;
                doneGen = runGen;
                if (handoff != null) {
                    if (handoff == queued) {
                        next = handoff;
                        beginLocked(next);
                    } else {
                        stale = handoff;
                    }
                    handoff = null;
                }
                idle = takeRegistrationIfIdleLocked();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            failure = finish(e, failure);
            if (stale != null) {
                failure = finish(stale, failure);
            }
            if (idle != null) {
                try {
                    finishRelease(o, idle);
                } catch (RuntimeException | Error x) {
                    failure = Invoker.firstOf(failure, x);
                }
            }
            e = next; // begun already: it runs whatever was thrown
        }
        if (failure != null) {
            Invoker.rethrow(failure);
        }
    }

    /** Gives {@code e}'s slot back; what starting the next work throws is added to {@code failure}. */
    private static Throwable finish(Workqueue.Entry e, Throwable failure) {
        try {
            e.wq.finished(e);
            return failure;
        } catch (RuntimeException | Error x) {
            return Invoker.firstOf(failure, x);
        }
    }

    // ---------------------------------------------------------------- waiting and cancelling

    /**
     * Waits for the last queued instance of the work to finish ({@code flush_work}).
     *
     * <p>If the work is pending, waits until the execution that serves it has returned (or the
     * instance is cancelled); if it is only running, waits for that execution. Executions queued
     * after the call are not waited for. Waits uninterruptibly; an interrupt received meanwhile
     * is kept in the caller's interrupt status. May block for as long as the function runs.
     *
     * @return {@code true} if it waited for an execution (or a cancelled instance), {@code false}
     *     if the work was idle
     * @throws IllegalStateException if called from the work's own function, or from a work on an
     *     ordered workqueue for a work pending behind it on the same queue, which could never
     *     return (Linux deadlocks)
     */
    public boolean flush() {
        refuseSelf("flush()");
        Workqueue wq = null;
        boolean accepted = false;
        long gen;
        try {
            lock.lock();
            try {
                refuseBehindCallerLocked();
                if (timerToken != null) { // flush_delayed_work: no point waiting for the timer
                    timer.cancel();
                    timer = null;
                    timerToken = null;
                    wq = target;
                    accepted = queueNowLocked();
                }
                gen = lastInstanceLocked();
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error x) {
            releaseIfIdle(); // if queueNowLocked dropped the instance, give back its registration
            throw x;
        }
        if (wq != null) {
            afterTimer(wq, accepted);
        }
        if (gen < 0) {
            return false;
        }
        lock.lock();
        try {
            while (!flushedLocked(gen)) {
                changed.awaitUninterruptibly();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A work on an ordered queue must not wait for one pending behind it on the same queue. */
    private void refuseBehindCallerLocked() {
        Work caller = RUNNING.isBound() ? RUNNING.get() : null;
        if (pending && caller != null && target.isOrdered() && caller.runningOn == target) {
            throw new IllegalStateException("work '" + caller.name + "' flushed work '" + name
                    + "', queued behind it on ordered workqueue '" + target.name() + "'; it would wait forever");
        }
    }

    /** The generation flush() waits for: the pending instance, else the running one; -1 if idle. */
    private long lastInstanceLocked() {
        if (pending) {
            return queuedGen;
        }
        return runner != null ? runGen : -1;
    }

    /** Generation {@code gen} has run or been cancelled, and no older execution still runs. */
    private boolean flushedLocked(long gen) {
        boolean resolved = doneGen >= gen || (discardedGen >= gen && (runner == null || runGen >= gen));
        return resolved && releasing == 0;
    }

    /**
     * Cancels a pending instance without waiting for a running one ({@code cancel_work}).
     * May be called from any context, the work's own function included; never blocks for long.
     *
     * @return {@code true} if the work was pending (it will not run for that queueing),
     *     {@code false} if it was not
     */
    public boolean cancel() {
        return grab("cancel()", false, false);
    }

    /**
     * Cancels a pending instance and waits for a running one to return
     * ({@code cancel_work_sync}). While it waits, queueing the work fails, so it also stops a work
     * that queues itself again. When it returns the work is idle, unless another thread queued it
     * after the cancel ended. Waits uninterruptibly; an interrupt is kept in the interrupt status.
     *
     * @return {@code true} if the work was pending, {@code false} if not
     * @throws IllegalStateException if called from the work's own function, which could never
     *     return (Linux deadlocks)
     */
    public boolean cancelSync() {
        return grab("cancelSync()", false, true);
    }

    /**
     * Cancels a pending instance and makes queueing fail until {@link #enable()}
     * ({@code disable_work}). Disables nest: each call needs its own enable. Does not wait.
     *
     * <p>A call that throws (an {@link Error} from the owner or the clock while the instance is
     * cancelled, out of memory) has not disabled the work and needs no enable; the pending
     * instance may have been cancelled all the same.
     *
     * @return {@code true} if the work was pending, {@code false} if not
     */
    public boolean disable() {
        return grab("disable()", true, false);
    }

    /**
     * As {@link #disable()}, and waits for a running instance to return ({@code disable_work_sync}).
     * A call that throws has not disabled the work, as for {@link #disable()}.
     *
     * @return {@code true} if the work was pending, {@code false} if not
     * @throws IllegalStateException if called from the work's own function
     */
    public boolean disableSync() {
        return grab("disableSync()", true, true);
    }

    /**
     * Undoes one {@link #disable()} ({@code enable_work}). Never blocks.
     *
     * @return {@code true} if the work can be queued again (the count reached zero)
     * @throws IllegalStateException if the work is not disabled (Linux WARNs)
     */
    public boolean enable() {
        lock.lock();
        try {
            if (disabled == 0) {
                throw new IllegalStateException("work '" + name + "' is not disabled");
            }
            return --disabled == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The one cancel routine: every cancel and disable is a thin wrapper. A disable whose cancel
     * throws (the owner giving back the registration, the clock, no memory) takes its count back
     * before the throw goes on: the caller has no enable() to pair with a call that failed.
     */
    private boolean grab(String what, boolean disable, boolean sync) {
        if (sync) {
            refuseSelf(what);
        }
        boolean was;
        boolean counted = false;
        try {
            lock.lock();
            try {
                if (disable) {
                    disabled++;
                    counted = true;
                }
                was = discardLocked();
                if (sync) {
                    cancelling++; // the running function may try to queue itself again: refuse
                    try {
                        while (runner != null || releasing > 0) {
                            changed.awaitUninterruptibly();
                        }
                    } finally {
                        cancelling--;
                    }
                }
            } finally {
                lock.unlock();
            }
            releaseIfIdle();
        } catch (RuntimeException | Error x) {
            if (counted) {
                lock.lock();
                try {
                    if (disabled > 0) { // an enable() from elsewhere may have taken it already
                        disabled--;
                    }
                } finally {
                    lock.unlock();
                }
            }
            throw x;
        }
        return was;
    }

    private void refuseSelf(String what) {
        if (Thread.currentThread() == runner) {
            throw new IllegalStateException("work '" + name + "' called " + what
                    + " from its own function: it would wait for itself forever");
        }
    }

    // ---------------------------------------------------------------- ownership

    /** Under lock: if the work is idle, take its registration for release; else null. */
    private Registration takeRegistrationIfIdleLocked() {
        if (registration == null || pending || runner != null) {
            return null;
        }
        Registration r = registration;
        registration = null;
        releasing++;
        return r;
    }

    private void releaseIfIdle() {
        Registration r;
        Owner o;
        lock.lock();
        try {
            r = takeRegistrationIfIdleLocked();
            o = owner;
            retireIfStoppedLocked();
        } finally {
            lock.unlock();
        }
        if (r != null) {
            finishRelease(o, r);
        }
    }

    private void finishRelease(Owner o, Registration r) {
        try {
            o.release(r);
        } finally {
            lock.lock();
            try {
                releasing--;
                retireIfStoppedLocked();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Once stopped and idle the work can never run again: let go of its owner and function. */
    private void retireIfStoppedLocked() {
        if (stopped && !pending && runner == null && registration == null && releasing == 0) {
            owner = null;
            fn = null;
        }
    }

    // ---------------------------------------------------------------- queries

    /**
     * Whether the work is pending: queued, or waiting for its timer, and not yet started
     * ({@code work_pending}, {@code delayed_work_pending}). A snapshot; never blocks.
     */
    public boolean isPending() {
        return pending;
    }

    /**
     * Whether the work is pending or running ({@code work_busy} not zero). A snapshot, for
     * diagnostics: by the time it returns it may be stale.
     */
    public boolean isBusy() {
        return pending || runner != null;
    }

    /** The work's name, for reports. */
    public String name() {
        return name;
    }

    /** The name of the owner: the module that created it, or {@code "kernel"}. */
    public String owner() {
        return ownerName;
    }

    /** The workqueue the running function was queued on, for chained-work checks. */
    final Workqueue runningOn() {
        return runningOn;
    }

    @Override
    public String toString() {
        return resource.describe();
    }

    /** What the owner's reports call it: {@code "work"} or {@code "delayed_work"}. */
    String kind() {
        return "work";
    }

    /** The work as its owner sees it: something to cancel and wait for at unload. */
    private final class Resource implements OwnedResource {
        @Override
        public String kind() {
            return Work.this.kind();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void requestStop() {
            lock.lock();
            try {
                stopped = true;
                discardLocked();
            } finally {
                lock.unlock();
            }
            releaseIfIdle();
        }

        @Override
        public boolean awaitQuiescent(Duration timeout) throws InterruptedException {
            long nanos = Invoker.nanos(timeout);
            lock.lockInterruptibly();
            try {
                while (pending || runner != null || registration != null || releasing > 0) {
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
            return Optional.ofNullable(runner);
        }

        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder(kind()).append(" '").append(name).append("' of ").append(ownerName);
            lock.lock();
            try {
                if (pending) {
                    sb.append(timerToken != null ? " pending (timer armed) for " : " pending on ").append(target.name());
                }
                Thread t = runner;
                if (t != null) {
                    sb.append(pending ? " and" : "").append(" running on ").append(t.getName())
                            .append(" for ").append(runningOn.name());
                }
                if (!pending && t == null) {
                    sb.append(" idle");
                }
                if (stopped) {
                    sb.append(" (owner going away)");
                } else if (disabled > 0) {
                    sb.append(" (disabled ").append(disabled).append(')');
                } else if (cancelling > 0) {
                    sb.append(" (being cancelled)");
                }
            } finally {
                lock.unlock();
            }
            return sb.toString();
        }
    }
}
