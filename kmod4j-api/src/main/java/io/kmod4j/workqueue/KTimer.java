package io.kmod4j.workqueue;

import io.kmod4j.internal.Oops;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A kernel timer: a callback run once each time the timer expires ({@code struct timer_list},
 * {@code timer_setup}), owned by the module (or the kernel) whose code created it.
 *
 * <p>Why it exists: a driver's watchdogs and retransmission timeouts are timers, and a timer left
 * armed by an unloaded module fires into freed module text. Every timer is owned, so {@code rmmod}
 * deletes what is armed and waits for a running callback.
 *
 * <h2>States</h2>
 * <pre>
 *            modify()           expires                  callback returns
 *   IDLE ──────────────▶ PENDING ───────▶ RUNNING ─────────────────────────▶ IDLE
 *    ▲   delete()          │                 │ modify(): PENDING and RUNNING
 *    └─────────────────────┘                 ▼ (expires again after the callback returns)
 * </pre>
 * <ul>
 *   <li>Pending ({@link #isPending()}, {@code timer_pending}) means armed: from {@link #modify}
 *       until it expires or is deleted. Expiry clears it before the callback runs, so the callback
 *       may re-arm its own timer.
 *   <li>The callback runs on a kworker thread of its owner, not on the clock's thread, with its
 *       owner bound and the owner's context class loader. It never runs concurrently with
 *       itself: a timer that expires while its callback runs stays pending until the callback has
 *       returned, then runs again, as Linux's per-CPU timer bases serialise it.
 *   <li>An exception escaping the callback is an <em>oops</em>: logged at {@code ALERT} with the
 *       stack, the owner is tainted {@link io.kmod4j.Taint#DIE 'D'}; the timer stays usable.
 *   <li>If no kworker can be had at expiry (the owner's executor refuses, or throws an
 *       {@link Error}), that expiry is dropped with a warning and the timer stays usable; an Error
 *       is then passed on to the clock's thread.
 *   <li>{@link #shutdown()} ends it for good: later {@link #modify} calls are ignored.
 * </ul>
 *
 * <p>While a timer is pending or its callback runs, its owner holds it as a resource; when the
 * owner goes away it deletes the timer, drops an expiry whose callback has not started, and waits
 * for a running callback.
 *
 * <p><b>Memory consistency effects:</b> actions before a {@link #modify} call happen-before the
 * callback run by the expiry it armed. Actions of a callback happen-before {@link #deleteSync()}
 * or {@link #shutdown()} return after waiting for it.
 */
public final class KTimer {

    /*
     * Overview
     *
     * State is guarded by `lock`, announced on `changed`. `token` identifies the armed timer:
     * an expiry whose token is stale (deleted or re-armed meanwhile) does nothing. `active` is
     * true from expiry (callback handed to a kworker) until the callback has returned; `due`
     * records an expiry that came while active, run by the same kworker afterwards.
     * Registrations follow the same one-per-busy-spell rule as Work (see Registration).
     * Lock order: timer lock -> scheduler. Owner methods, executors and the callback run with no
     * lock held.
     *
     * `dispatch` numbers the expiries handed to a kworker. Whoever moves it on first owns that
     * expiry: the kworker when it starts it, or expire() when the executor threw and the expiry is
     * dropped. An executor that throws may still have kept the task (ThreadPoolExecutor can); the
     * late task then finds its number stale and runs nothing.
     */

    private final String name;
    private final String ownerName;
    private final Resource resource = new Resource();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private volatile Owner owner;  // cleared once stopped and idle
    private volatile TimerFn fn;   // cleared with it

    private volatile boolean armed;   // written under lock
    private volatile Thread runner;   // written under lock
    private Scheduler.Scheduled timer;
    private Object token;
    private boolean due;
    private boolean active;
    private long dispatch;
    private int deleting;
    private boolean shutdown;
    private boolean stopped;
    private Registration registration;
    private int releasing;

    /**
     * Creates an idle timer that runs {@code fn} when it expires ({@code timer_setup}), owned by
     * the current owner and named after the callback's class.
     *
     * @throws NullPointerException if {@code fn} is null
     */
    public KTimer(TimerFn fn) {
        this(Invoker.defaultName(Objects.requireNonNull(fn, "fn")), fn);
    }

    /**
     * Creates an idle timer named {@code name} that runs {@code fn} when it expires
     * ({@code timer_setup}), owned by the current owner: the module whose code runs now, else the
     * kernel.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public KTimer(String name, TimerFn fn) {
        this.name = Invoker.checkName(name, "timer");
        this.fn = Objects.requireNonNull(fn, "fn");
        Owner o = Ownership.current();
        this.owner = o;
        this.ownerName = o.name();
    }

    // ---------------------------------------------------------------- arming and deleting

    /**
     * Arms the timer to expire {@code expires} from now, or re-arms it if it is pending
     * ({@code mod_timer}; Linux takes an absolute time in jiffies, this takes the delay). May be
     * called from any context, the callback included; never blocks for long.
     *
     * <p>Ignored (and {@code false}) after {@link #shutdown()}, while a {@link #deleteSync()} is
     * in progress (so a callback that re-arms itself cannot outlive it), and once the owner is
     * going away; the owner's refusal to take the timer is also logged as a warning.
     *
     * @param expires how long from now; zero or less expires at the clock's next tick
     * @return {@code true} if the timer was pending (and is now re-armed), {@code false} if it was
     *     not (and is now armed, unless ignored)
     */
    public boolean modify(Duration expires) {
        long nanos = Math.max(0, Invoker.nanos(Objects.requireNonNull(expires, "expires")));
        Owner o = owner;
        if (o == null) {
            return false;
        }
        Registration fresh = null;
        Registration unused = null;
        boolean was = false;
        try {
            for (;;) {
                lock.lock();
                try {
                    if (shutdown || stopped || deleting > 0) {
                        unused = fresh;
                        break;
                    }
                    if (registration != null || fresh != null) {
                        if (registration == null) {
                            registration = fresh;
                        } else {
                            unused = fresh;
                        }
                        // Re-arming a pending timer keeps it pending throughout, as mod_timer does
                        // (it detaches without clearing pending): isPending() reads `armed` without
                        // the lock and must never see a re-arm as a moment of "not pending". The new
                        // expiry is scheduled before the old one is cancelled, so a clock that
                        // refuses leaves the timer as it was.
                        Object t = new Object();
                        Scheduler.Scheduled next = o.scheduler().schedule(() -> expire(t), Duration.ofNanos(nanos));
                        was = armed;
                        if (timer != null) {
                            timer.cancel(); // if it already started, expire() finds its token stale
                        }
                        timer = next;
                        token = t;
                        due = false;
                        armed = true;
                        changed.signalAll();
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                fresh = Registration.adopt(o, resource, "timer '" + name + "' not armed");
                if (fresh == null) {
                    return false;
                }
            }
        } catch (RuntimeException | Error e) {
            releaseIfIdle(); // the clock refused: do not keep a registration for nothing
            throw e;
        } finally {
            if (unused != null) {
                o.release(unused); // also when the clock threw: the owner must not count it for ever
            }
        }
        return was;
    }

    /**
     * Deactivates the timer without waiting for a running callback ({@code timer_delete},
     * formerly {@code del_timer}). May be called from any context; never blocks for long.
     *
     * @return {@code true} if it was pending, {@code false} if not (its callback may be running,
     *     or about to run for an expiry that already happened)
     */
    public boolean delete() {
        boolean was;
        lock.lock();
        try {
            was = disarmLocked();
        } finally {
            lock.unlock();
        }
        releaseIfIdle();
        return was;
    }

    /**
     * Deactivates the timer and waits until its callback is not running
     * ({@code timer_delete_sync}, formerly {@code del_timer_sync}). While it waits,
     * {@link #modify} is ignored, so a callback that re-arms itself is stopped too. When it
     * returns the timer is neither pending nor running, unless another thread armed it after.
     * Waits uninterruptibly; an interrupt is kept in the interrupt status.
     *
     * @return {@code true} if it was pending, {@code false} if not
     * @throws IllegalStateException if called from the timer's own callback, which would wait for
     *     itself forever (Linux deadlocks)
     */
    public boolean deleteSync() {
        return deleteAndWait("deleteSync()", false);
    }

    /**
     * Deactivates the timer for good and waits for its callback ({@code timer_shutdown_sync}):
     * as {@link #deleteSync()}, and every later {@link #modify} is ignored.
     *
     * @return {@code true} if it was pending, {@code false} if not
     * @throws IllegalStateException if called from the timer's own callback
     */
    public boolean shutdown() {
        return deleteAndWait("shutdown()", true);
    }

    /** The one waiting delete: deleteSync and shutdown are thin wrappers. */
    private boolean deleteAndWait(String what, boolean forGood) {
        if (Thread.currentThread() == runner) {
            throw new IllegalStateException("timer '" + name + "' called " + what
                    + " from its own callback: it would wait for itself forever");
        }
        boolean was;
        lock.lock();
        try {
            if (forGood) {
                shutdown = true;
            }
            deleting++;
            try {
                was = disarmLocked();
                while (active || releasing > 0) {
                    changed.awaitUninterruptibly();
                }
            } finally {
                deleting--;
            }
        } finally {
            lock.unlock();
        }
        releaseIfIdle();
        return was;
    }

    private boolean disarmLocked() {
        if (!armed) {
            return false;
        }
        if (timer != null) {
            timer.cancel(); // if it already started, expire() finds its token stale
        }
        timer = null;
        token = null;
        armed = false;
        due = false;
        changed.signalAll();
        return true;
    }

    // ---------------------------------------------------------------- expiry

    /**
     * On the clock's thread: hand the callback to a kworker, or defer it while one runs. If the
     * executor refuses or throws, the expiry is dropped with a warning; what it threw, other than
     * a refusal, then goes on to the clock's thread.
     */
    private void expire(Object t) {
        Owner o;
        long d;
        lock.lock();
        try {
            if (token != t) {
                return;
            }
            if (active) {
                due = true; // still pending; the running kworker runs it when the callback returns
                return;
            }
            timer = null;
            token = null;
            armed = false;
            active = true;
            d = ++dispatch;
            o = owner;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            o.workExecutor().execute(() -> runCallback(d));
        } catch (RuntimeException | Error e) {
            notStarted(o, d, e);
            if (!(e instanceof RejectedExecutionException)) {
                throw e;
            }
        }
    }

    /** No kworker took expiry {@code d}: drop it, unless a kworker started it after all. */
    private void notStarted(Owner o, long d, Throwable why) {
        boolean dropped = false;
        lock.lock();
        try {
            if (dispatch == d) {
                dispatch++; // a task the executor kept anyway finds itself stale
                active = false;
                dropped = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (!dropped) {
            return;
        }
        try {
            o.printk(Level.WARNING, "timer '" + name + "' expiry dropped: no kworker available ("
                    + Oops.printable(why) + ")");
        } finally {
            releaseIfIdle();
        }
    }

    /**
     * On a kworker: run the callback for expiry {@code d}, and again for every expiry that came
     * meanwhile. Anything thrown other than by the callback (an oops) is passed on only after the
     * timer is idle again and released: left active, it would make deleteSync() and rmmod wait
     * for ever.
     */
    private void runCallback(long d) {
        Owner o;
        lock.lock();
        try {
            if (dispatch != d) {
                return; // dropped when the executor threw, which kept the task all the same
            }
            dispatch++; // started: expire() must not drop it now
            if (stopped) { // the owner went away between expiry and now: run none of its code
                active = false;
                changed.signalAll();
                o = null;
            } else {
                runner = Thread.currentThread();
                o = owner;
            }
        } finally {
            lock.unlock();
        }
        if (o == null) {
            releaseIfIdle();
            return;
        }
        Throwable failure = null;
        boolean again = true;
        while (again) {
            try {
                TimerFn f = fn;
                Invoker.run(o, ScopedValue.where(Ownership.CURRENT, o), f::run, "timer '" + name + "'", null);
            } catch (RuntimeException | Error x) {
                failure = Invoker.firstOf(failure, x); // the callback is over all the same
            }
            lock.lock();
            try {
                again = due && !stopped;
                if (again) {
                    due = false;
                    timer = null;
                    token = null;
                    armed = false;
                } else {
                    runner = null;
                    active = false;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        try {
            releaseIfIdle();
        } catch (RuntimeException | Error x) {
            failure = Invoker.firstOf(failure, x);
        }
        if (failure != null) {
            Invoker.rethrow(failure);
        }
    }

    // ---------------------------------------------------------------- ownership

    private void releaseIfIdle() {
        Registration r = null;
        Owner o;
        lock.lock();
        try {
            o = owner;
            if (registration != null && !armed && !active) {
                r = registration;
                registration = null;
                releasing++;
            }
            retireIfStoppedLocked();
        } finally {
            lock.unlock();
        }
        if (r == null) {
            return;
        }
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

    private void retireIfStoppedLocked() {
        if (stopped && !armed && !active && registration == null && releasing == 0) {
            owner = null;
            fn = null;
        }
    }

    // ---------------------------------------------------------------- queries

    /** Whether the timer is armed and has not expired yet ({@code timer_pending}). A snapshot. */
    public boolean isPending() {
        return armed;
    }

    /** The timer's name, for reports. */
    public String name() {
        return name;
    }

    /** The name of the owner: the module that created it, or {@code "kernel"}. */
    public String owner() {
        return ownerName;
    }

    @Override
    public String toString() {
        return resource.describe();
    }

    /** The timer as its owner sees it: something to delete and wait for at unload. */
    private final class Resource implements OwnedResource {
        @Override
        public String kind() {
            return "timer";
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
                disarmLocked();
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
                while (armed || active || registration != null || releasing > 0) {
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
            lock.lock();
            try {
                Thread t = runner;
                String s = "timer '" + name + "' of " + ownerName
                        + (armed ? " pending" : "")
                        + (t != null ? (armed ? " and" : "") + " running on " + t.getName()
                                : active ? " expired, callback about to run" : "")
                        + (!armed && !active ? " idle" : "");
                return s + (stopped ? " (owner going away)" : shutdown ? " (shut down)" : "");
            } finally {
                lock.unlock();
            }
        }
    }
}
