package io.kmod4j.kthread;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.internal.Oops;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.internal.Uninterruptibly;
import io.kmod4j.log.Level;
import io.kmod4j.sync.Completion;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A kernel thread: a Java thread with Linux's {@code kthread_*} lifecycle, owned by the module
 * (or the kernel) whose code created it.
 *
 * <p>Why it exists: the classic driver bug is a one-shot thread that outlives its module, or a
 * {@code kthread_stop()} on a thread that already exited and was reaped. A {@code KThread}
 * handle never dangles: {@link #stop()} on a thread that has ended returns its result, as often
 * as asked. And because every kthread is owned, {@code rmmod} stops and joins the threads a module
 * left running before it lets the module go.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   NEW ──wakeUp()/park()──▶ RUNNING ◀──unpark()── PARKED
 *    │                         │  └──parkMe()─────▶  │
 *    └──stop()──▶ EXITED ◀─────┴─────────────────────┘ (stop() unparks first)
 * </pre>
 * <ul>
 *   <li>{@link #create} starts a Java thread that waits, uninterruptibly, to be woken
 *       ({@code kthread_create}). {@link #run} creates and wakes ({@code kthread_run}).
 *   <li>When woken, the thread checks should-stop: if {@link #stop()} came first, the function
 *       never runs and the result is {@code -EINTR}. Otherwise it parks if a park was requested
 *       before it ran ({@code __kthread_parkme}), then runs the function.
 *   <li>The function's return value is the result. {@link #exit(int)} and
 *       {@link #completeAndExit(Completion, int)} end it early.
 *   <li>An exception escaping the function is an <em>oops</em>: logged at {@code ALERT} with the
 *       thread's name, owner and stack, the owner is tainted {@link Taint#DIE 'D'}, and the
 *       result is the exception's errno if it is a {@link KernelException}, else
 *       {@code -EFAULT}. One exception is not an oops: an {@link InterruptedException} escaping
 *       after {@code stop()} was requested is the normal way for a Java function to obey a stop;
 *       it is logged at {@code INFO} and the result is {@code -EINTR}.
 * </ul>
 *
 * <h2>Ending a thread safely</h2>
 * {@link #exit} and {@link #completeAndExit} never return. They record the code and unwind the
 * function's frames; the kthread's own frame, which is kmod4j code, then marks the thread exited
 * and only then completes the given completion. So whoever waits on that completion is woken when
 * no frame of the function is left on the thread's stack: the guarantee Linux's
 * {@code kthread_complete_and_exit()} gives by living outside module text. If the function catches
 * the unwinding ({@code catch (Throwable t)}) and carries on, the thread still counts as exited
 * when the function returns: the recorded code is kept and a warning is logged.
 *
 * <h2>Threads and names</h2>
 * Platform threads by default, daemon so that they never keep the JVM alive; {@link
 * Builder#virtual(boolean)} runs one on a virtual thread. Names are kept whole (Linux cuts
 * {@code comm} to 15 characters). The thread's context class loader is its owner's (the module's),
 * and is cleared when the thread ends.
 *
 * <p><b>Memory consistency effects:</b> actions of the function before it returns or calls
 * {@code exit} happen-before {@link #stop()} returns and before {@link #result()} reports the
 * result; for {@code completeAndExit(c, code)}, they also happen-before a wait on {@code c}
 * returns. Actions before {@link #wakeUp()} or {@link #run} happen-before the function starts.
 */
public final class KThread {

    /*
     * Overview
     *
     * Requests from outside (wake, stop, park, unpark) are made under `lock` and announced on
     * `changed` (both in `locks`, made on first use and never replaced, so that a kthread nobody
     * wakes, parks or waits for by hand never allocates them). `state` is written only by the
     * kthread's own thread once it has started (by abandon() if it never did), and is volatile,
     * as are the request flags, so that
     * shouldStop()/shouldPark()/state() read them without the lock. A kthread that was woken
     * before it started (run()) and that nobody waits on goes from start to end without taking
     * the lock at all: a one-shot kthread costs little more than its Java thread.
     *
     * Ending: finish() records the result, then publishes state = EXITED (volatile), then
     * signals `changed` only if a thread registered in `exitWaiters` may be waiting for it. A
     * waiter registers under the lock before it reads `state`; the finisher writes `state` before
     * it reads `exitWaiters`. Both are volatile, so either the waiter sees EXITED or the finisher
     * sees the waiter and signals it under the lock, which the waiter holds until it awaits: no
     * lost wake-up. stop() joins the Java thread (which ends after finish()), so a stop() that
     * returns means the thread has terminated.
     *
     * Races handled here:
     *  - stop() versus first run: the thread checks shouldStop (volatile) after it finds itself
     *    woken; whichever way that race goes, the function runs only if the thread saw no stop,
     *    and the result is -EINTR exactly when it did not run (trampoline/awaitFirstWakeUp).
     *  - park() versus unpark(): park() waits for an acknowledgement of its own request
     *    (parkAck >= its generation), not for the PARKED state, which an unpark may already have
     *    ended.
     *  - stop() versus exit: stop() on an exited thread reads the recorded result; the handle is a
     *    Java object and cannot be freed under the caller.
     */

    /** The states of a kthread; transitions only move as the class documentation draws them. */
    public enum State {
        /** Created, not yet woken: the function has not run. */
        NEW,
        /** Woken: about to run, or running, the function. */
        RUNNING,
        /** Parked in {@link #parkMe()} until {@link #unpark()} or {@link #stop()}. */
        PARKED,
        /** Ended; {@link #result()} is known. */
        EXITED
    }

    private static final ScopedValue<KThread> CURRENT = ScopedValue.newInstance();

    private final String name;
    private final String ownerName;
    private final Resource resource = new Resource();
    private volatile Locks locks;       // made on first use: a kthread woken at start may never need them

    private volatile Owner owner;       // cleared when the thread ends: a handle must not pin a module
    private volatile KThreadFn fn;      // cleared when the thread ends, for the same reason
    private volatile Thread thread;     // set once, before the Java thread starts

    private volatile State state = State.NEW;  // written by the kthread itself (abandon() if never started)
    private volatile boolean shouldStop;        // written under lock, or once the function has returned
    private volatile boolean shouldPark;        // written under lock
    private volatile boolean woken;             // written under lock, or before the thread starts
    private boolean kicked;                     // guarded by lock: wakeUp() while running
    private long parkRequests;                  // guarded by lock
    private long parkAck;                       // guarded by lock
    private int result;                         // written before state = EXITED, which publishes it
    private volatile int exitWaiters;           // changed under lock: threads waiting for EXITED

    // Set when the function has returned (or unwound): a stop() after that has nothing to
    // interrupt, and an interrupt would only cost the ending thread an unpark.
    private volatile boolean functionDone;

    // Only the kthread itself touches these.
    private boolean exitRequested;
    private int exitCode;
    private List<Completion> exitCompletions;   // made by the first completeAndExit()

    private KThread(String name, KThreadFn fn, Owner owner) {
        this.name = name;
        this.fn = fn;
        this.owner = owner;
        this.ownerName = owner.name();
    }

    /** The lock that requests are made under and the condition they are announced on. */
    private static final class Locks {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
    }

    private static final VarHandle LOCKS;

    static {
        try {
            LOCKS = MethodHandles.lookup().findVarHandle(KThread.class, "locks", Locks.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Locks locks() {
        Locks l = locks;
        if (l == null) {
            Locks fresh = new Locks();
            l = (Locks) LOCKS.compareAndExchange(this, (Locks) null, fresh);
            if (l == null) {
                l = fresh;
            }
        }
        return l;
    }

    private ReentrantLock lock() {
        return locks().lock;
    }

    private Condition changed() {
        return locks().changed;
    }

    // ---------------------------------------------------------------- creation

    /**
     * Creates a kthread that does not run until {@link #wakeUp()} ({@code kthread_create}).
     *
     * <p>The Java thread is started now and waits, so that a failure to get a thread is reported
     * here, not at wake-up. May block briefly; may be called from any thread.
     *
     * @param name the thread's name, kept whole
     * @param fn the function to run
     * @return the new thread, in state {@link State#NEW}
     * @throws KernelException {@code EAGAIN} if the owner's thread limit is reached,
     *     {@code ENOMEM} if the JVM cannot create a thread, {@code ENODEV} if the owning module is
     *     being unloaded; nothing is left behind
     */
    public static KThread create(String name, KThreadFn fn) throws KernelException {
        return builder(name).create(fn);
    }

    /**
     * Creates a kthread and wakes it ({@code kthread_run}).
     *
     * @throws KernelException as for {@link #create}
     */
    public static KThread run(String name, KThreadFn fn) throws KernelException {
        return builder(name).run(fn);
    }

    /** A builder for a kthread with options: a virtual thread, a non-daemon thread. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Options for a new kthread. Not thread-safe; use one builder per thread. */
    public static final class Builder {
        private final String name;
        private boolean virtual;
        private boolean daemon = true;
        private ThreadFactory factory; // tests only
        private Thread.Builder threads; // made from the options above on first use; reset when they change

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a kthread needs a name");
            }
            this.name = name;
        }

        /** Runs the kthread on a virtual thread ({@code false} by default). */
        public Builder virtual(boolean virtual) {
            this.virtual = virtual;
            this.threads = null;
            return this;
        }

        /**
         * Whether a platform kthread is a daemon thread ({@code true} by default). Virtual
         * threads are always daemon threads.
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            this.threads = null;
            return this;
        }

        /** Replaces the JVM as the source of threads; for tests that make thread creation fail. */
        Builder threadFactory(ThreadFactory factory) {
            this.factory = factory;
            return this;
        }

        /** {@link KThread#create}, with this builder's options. */
        public KThread create(KThreadFn fn) throws KernelException {
            return spawn(fn, false);
        }

        /** {@link KThread#run}, with this builder's options. */
        public KThread run(KThreadFn fn) throws KernelException {
            return spawn(fn, true);
        }

        private KThread spawn(KThreadFn fn, boolean wake) throws KernelException {
            Objects.requireNonNull(fn, "fn");
            Owner owner = Ownership.current();
            KThread k = new KThread(name, fn, owner);
            k.woken = wake; // kthread_run: woken before it could ever wait
            owner.adopt(k.resource);
            Thread t;
            try {
                t = newThread(k.resource); // its run() is body(): one object fewer than a method reference
                t.setContextClassLoader(owner.contextClassLoader());
                k.thread = t;
                t.start();
            } catch (Throwable e) {
                k.abandon(); // whatever failed, the owner must not keep counting a thread that never ran
                if (e instanceof OutOfMemoryError || e instanceof RuntimeException) {
                    throw new KernelException(Errno.ENOMEM, "cannot create kthread '" + name + "': " + e, e);
                }
                throw e; // another Error: not ours to translate
            }
            return k;
        }

        private Thread newThread(Runnable body) {
            if (factory != null) {
                Thread t = factory.newThread(body);
                t.setName(name);
                return t;
            }
            if (threads == null) {
                threads = virtual ? Thread.ofVirtual().name(name) : Thread.ofPlatform().name(name).daemon(daemon);
            }
            return threads.unstarted(body);
        }
    }

    /** Creation failed after adoption: leave nothing behind. */
    private void abandon() {
        lock().lock();
        try {
            result = Errno.ENOMEM.code();
            state = State.EXITED;
            changed().signalAll();
        } finally {
            lock().unlock();
        }
        Owner o = owner;
        fn = null;
        owner = null;
        o.release(resource);
    }

    // ---------------------------------------------------------------- control from outside

    /**
     * Wakes a thread made by {@link #create}, which then runs its function
     * ({@code wake_up_process}). On a running thread it cuts short a
     * {@link #scheduleTimeout(Duration)}, as waking a sleeping task does. Does nothing on an
     * exited thread. Never blocks for long.
     */
    public void wakeUp() {
        lock().lock();
        try {
            switch (state) {
                case NEW -> woken = true;
                case RUNNING -> kicked = true;
                case PARKED, EXITED -> { }
            }
            changed().signalAll();
        } finally {
            lock().unlock();
        }
    }

    /**
     * Stops the thread and waits for it to end ({@code kthread_stop}).
     *
     * <p>Sets should-stop, unparks the thread, wakes it if it was never woken, and interrupts it,
     * as Linux's {@code TIF_NOTIFY_SIGNAL} does: interruptible waits such as
     * {@link Completion#await()} and {@link #scheduleTimeout(Duration)} end early, while
     * {@link Completion#awaitUninterruptibly()} does not. It does not force the function to end:
     * the function must return when {@link #shouldStop()} says so, so a function that never looks
     * makes {@code stop()} wait forever (use {@link #stop(Duration)} to bound the wait).
     *
     * <p>Waits uninterruptibly; an interrupt received meanwhile is kept in the caller's interrupt
     * status. When it returns the Java thread has terminated.
     *
     * <p>Safe on a thread that has already ended, as often as asked: it returns the result again.
     *
     * @return the function's result, or {@code -EINTR} if the function never ran because the stop
     *     came first (before or racing with the first wake-up)
     * @throws IllegalStateException if called by the thread on itself, which could never return
     *     (Linux deadlocks)
     */
    public int stop() {
        refuseSelf("stop()");
        resource.requestStop();
        if (neverStarted(thread)) {
            awaitExitedUninterruptibly(); // creation failing: abandon() marks it exited
        } else {
            // One wait, not two: the thread ends after it recorded the result, and join() makes
            // all of that visible here.
            spinBriefly();
            joinUninterruptibly();
        }
        return result;
    }

    /**
     * Stops the thread and waits at most {@code timeout} for it to end.
     *
     * @return the result as for {@link #stop()}, or empty if the thread was still running when the
     *     timeout passed; the stop stays requested
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if called by the thread on itself
     */
    public OptionalInt stop(Duration timeout) throws InterruptedException {
        refuseSelf("stop(Duration)");
        resource.requestStop();
        return resource.awaitQuiescent(timeout) ? OptionalInt.of(result) : OptionalInt.empty();
    }

    /**
     * Asks the thread to park and waits until it has ({@code kthread_park}).
     *
     * <p>The thread must cooperate: it parks when it calls {@link #parkMe()}, which a well-behaved
     * loop does when {@link #shouldPark()} is true. Called on a thread that was never woken, it
     * wakes it, and the thread parks before its function runs; {@link #unpark()} then lets the
     * function run. Called by the thread on itself it only sets the request and returns at once.
     *
     * @return {@code 0} when the thread is parked, {@code -ENOSYS} ({@link Errno#ENOSYS}) if it has
     *     exited, is being stopped, or exits instead of parking; {@code -EBUSY} if a park is
     *     already pending
     */
    public int park() {
        boolean self = Thread.currentThread() == thread;
        long generation;
        lock().lock();
        try {
            if (state == State.EXITED || shouldStop) {
                return Errno.ENOSYS.code(); // exiting, or about to: it would never park
            }
            if (shouldPark) {
                return Errno.EBUSY.code();
            }
            shouldPark = true;
            generation = ++parkRequests;
            if (self) {
                return 0;
            }
            woken = true; // kthread_park may stand in for wake_up_process
            changed().signalAll();
        } finally {
            lock().unlock();
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t); // wake_up_process: a spurious wake-up for a parked loop
        }
        lock().lock();
        exitWaiters++; // finish() signals only registered waiters; see the overview
        try {
            while (parkAck < generation && state != State.EXITED) {
                changed().awaitUninterruptibly();
            }
            return parkAck >= generation ? 0 : Errno.ENOSYS.code();
        } finally {
            exitWaiters--;
            lock().unlock();
        }
    }

    /**
     * Lets a parked thread go on ({@code kthread_unpark}). Does nothing unless a park is pending
     * or in effect. Never blocks for long.
     */
    public void unpark() {
        lock().lock();
        try {
            if (shouldPark) {
                shouldPark = false;
                changed().signalAll();
            }
        } finally {
            lock().unlock();
        }
    }

    // ---------------------------------------------------------------- calls from the thread itself

    /**
     * The kthread the caller runs on ({@code current}).
     *
     * @throws IllegalStateException if the caller is not a kthread
     */
    public static KThread current() {
        if (!CURRENT.isBound()) {
            throw new IllegalStateException("not a kthread: " + Thread.currentThread());
        }
        return CURRENT.get();
    }

    /** Whether the caller runs on a kthread. */
    public static boolean isKThread() {
        return CURRENT.isBound();
    }

    /**
     * Whether {@link #stop()} has been called on the current kthread ({@code kthread_should_stop}).
     * A function that loops should return when this is {@code true}.
     *
     * @throws IllegalStateException if the caller is not a kthread (Linux WARNs)
     */
    public static boolean shouldStop() {
        return current().shouldStop;
    }

    /**
     * Whether {@link #park()} has been called on the current kthread ({@code kthread_should_park});
     * if so it should tidy up and call {@link #parkMe()}.
     *
     * @throws IllegalStateException if the caller is not a kthread
     */
    public static boolean shouldPark() {
        return current().shouldPark;
    }

    /**
     * Parks the current kthread while a park is requested ({@code kthread_parkme}): it returns
     * after {@link #unpark()} or {@link #stop()}, at once if no park is requested. Waits
     * uninterruptibly; an interrupt is kept in the interrupt status.
     *
     * @throws IllegalStateException if the caller is not a kthread
     */
    public static void parkMe() {
        current().parkSelf();
    }

    /**
     * Sleeps for {@code timeout}, or less: it returns early when the thread is asked to stop or
     * to park, is woken by {@link #wakeUp()}, or is interrupted
     * ({@code schedule_timeout_interruptible}). An interrupt stays in the interrupt status.
     *
     * @return the time that was left, zero if the whole timeout passed
     * @throws IllegalStateException if the caller is not a kthread
     */
    public static Duration scheduleTimeout(Duration timeout) {
        return current().sleepSelf(timeout);
    }

    /**
     * Ends the current kthread with {@code code} as its result ({@code kthread_exit}). Never
     * returns: it unwinds the function, and the kthread's own frame records the code.
     *
     * <p>Java cannot mark a method as never returning; write {@code KThread.exit(0); return 0;}
     * where the compiler wants a value: the {@code return} is never reached.
     *
     * @throws IllegalStateException if the caller is not a kthread (nothing is done)
     */
    public static void exit(int code) {
        current().requestExit(code, null);
        throw new ExitUnwind();
    }

    /**
     * Ends the current kthread with {@code code} as its result, then completes {@code done}
     * ({@code kthread_complete_and_exit}). Never returns.
     *
     * <p>{@code done.complete()} is called by the kthread's own frame after the function's frames
     * are gone and after the thread is marked exited, so the waiter can go on as soon as it
     * wakes: no code of the function's owner runs on this thread any more.
     *
     * @param done completed once the thread has exited; {@code null} behaves like {@link #exit}
     * @throws IllegalStateException if the caller is not a kthread (nothing is done, {@code done}
     *     is not completed)
     */
    public static void completeAndExit(Completion done, int code) {
        current().requestExit(code, done);
        throw new ExitUnwind();
    }

    // ---------------------------------------------------------------- queries

    /** The thread's name, whole. */
    public String name() {
        return name;
    }

    /** The name of the owner: the module that created it, or {@code "kernel"}. */
    public String owner() {
        return ownerName;
    }

    /** The state now. */
    public State state() {
        return state;
    }

    /** Whether the thread has not yet exited. */
    public boolean isAlive() {
        return state != State.EXITED;
    }

    /** The thread's result once it has exited; empty before. */
    public OptionalInt result() {
        return state == State.EXITED ? OptionalInt.of(result) : OptionalInt.empty();
    }

    /** Whether the thread runs on a virtual thread. */
    public boolean isVirtual() {
        Thread t = thread;
        return t != null && t.isVirtual();
    }

    @Override
    public String toString() {
        return "KThread[" + name + ", " + state + ", owner=" + ownerName + "]";
    }

    // ---------------------------------------------------------------- the thread's own frames

    /** The Java thread's body: binds who we are, then runs the trampoline. */
    private void body() {
        Owner o = owner;
        try {
            ScopedValue.where(CURRENT, this).where(Ownership.CURRENT, o).run(this::trampoline);
        } finally {
            if (state != State.EXITED) {
                // The bindings could not be made (out of memory), so the trampoline, whose own
                // finally ends every kthread that gets that far, never ran: end this one here, or
                // its owner would count it forever and a park() wait for it forever.
                finish(Errno.ENOMEM.code());
            }
        }
    }

    /** Linux's kthread(): wait to be woken, honour stop and park, run, record, signal. */
    private void trampoline() {
        int ret = Errno.EINTR.code();
        try {
            if (awaitFirstWakeUp()) {
                parkSelf(); // a park requested before the first run parks here, before fn
                ret = invoke();
                functionDone = true;
            }
        } finally {
            finish(ret);
        }
    }

    /** @return true to run the function, false if stop() won the race with the first run */
    private boolean awaitFirstWakeUp() {
        if (woken) {
            // Woken before or as it started (run(), or a wakeUp() that came first): nothing to
            // wait for, and nobody waits for RUNNING, so no lock and no signal.
            if (shouldStop) {
                return false;
            }
            state = State.RUNNING;
            return true;
        }
        lock().lock();
        try {
            while (!woken && !shouldStop) {
                changed().awaitUninterruptibly();
            }
            if (shouldStop) {
                return false;
            }
            state = State.RUNNING;
            changed().signalAll();
            return true;
        } finally {
            lock().unlock();
        }
    }

    private int invoke() {
        KThreadFn f = fn;
        int ret = 0;
        Throwable thrown = null;
        try {
            ret = f.run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (exitRequested) {
            if (!(thrown instanceof ExitUnwind)) {
                log(Level.WARNING, "kthread '" + name + "' caught its own exit and went on; it counts as"
                        + " exited with code " + exitCode + " now that its function has returned");
            }
            return exitCode;
        }
        if (thrown == null) {
            return ret;
        }
        if (thrown instanceof InterruptedException && shouldStop) {
            log(Level.INFO, "kthread '" + name + "' ended by stop: " + Oops.printable(thrown));
            return Errno.EINTR.code();
        }
        int code = thrown instanceof KernelException ke ? ke.code() : Errno.EFAULT.code();
        oops(thrown); // after the code is known: the oops runs the exception's own (module) code
        return code;
    }

    private void finish(int ret) {
        Thread.interrupted(); // the stop interrupt was for the function, not for our bookkeeping
        Thread.currentThread().setContextClassLoader(null);
        Owner o = owner;
        fn = null;
        owner = null;
        result = ret;
        state = State.EXITED; // publishes result
        if (exitWaiters != 0) {
            lock().lock();
            try {
                changed().signalAll();
            } finally {
                lock().unlock();
            }
        }
        o.release(resource);
        List<Completion> completions = exitCompletions;
        if (completions != null) {
            for (Completion c : completions) {
                c.complete(); // the last thing: the function's frames are long gone
            }
        }
    }

    /** Waits until the kthread is marked exited; for a thread whose creation is in progress. */
    private void awaitExitedUninterruptibly() {
        Uninterruptibly.run(() -> awaitExited(Long.MAX_VALUE));
    }

    /** @return whether the kthread was marked exited within {@code nanos} */
    private boolean awaitExited(long nanos) throws InterruptedException {
        if (state == State.EXITED) {
            return true;
        }
        lock().lock();
        exitWaiters++; // finish() signals only registered waiters; see the overview
        try {
            while (state != State.EXITED) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed().awaitNanos(nanos);
            }
            return true;
        } finally {
            exitWaiters--;
            lock().unlock();
        }
    }

    private void parkSelf() {
        if (!shouldPark) {
            // No park requested, so nothing to do. shouldPark is volatile: a park() that came
            // before this point is seen here, one that races with it is seen by the next check.
            return;
        }
        lock().lock();
        try {
            // A stop wins over a park that slipped in after it: never park a thread being stopped.
            while (shouldPark && !shouldStop) {
                state = State.PARKED;
                parkAck = parkRequests;
                changed().signalAll();
                changed().awaitUninterruptibly();
            }
            if (state == State.PARKED) {
                state = State.RUNNING;
                changed().signalAll();
            }
        } finally {
            lock().unlock();
        }
    }

    private Duration sleepSelf(Duration timeout) {
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        lock().lock();
        try {
            while (nanos > 0 && !kicked && !shouldStop && !shouldPark) {
                try {
                    nanos = changed().awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            kicked = false;
            return Duration.ofNanos(Math.max(0, nanos));
        } finally {
            lock().unlock();
        }
    }

    private void requestExit(int code, Completion done) {
        if (done != null) {
            if (exitCompletions == null) {
                exitCompletions = new ArrayList<>(1);
            }
            exitCompletions.add(done);
        }
        if (exitRequested) {
            log(Level.WARNING, "kthread '" + name + "' called exit again after catching its exit;"
                    + " keeping code " + exitCode);
            return;
        }
        exitRequested = true;
        exitCode = code;
    }

    private void oops(Throwable t) {
        String trace = Oops.trace(t); // the exception's own code may throw: Oops copes
        Owner o = owner;
        o.taint(Taint.DIE, "oops in kthread " + name);
        o.printk(Level.ALERT, "Oops: unhandled " + t.getClass().getName() + " in kthread '" + name + "'\n"
                + "Comm: " + name + " Owner: " + ownerName + " Tainted: D\n"
                + "Call Trace:\n" + trace);
    }


    private void log(Level level, String message) {
        Owner o = owner;
        (o != null ? o : io.kmod4j.internal.KernelOwner.INSTANCE).printk(level, message);
    }

    private void refuseSelf(String what) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("kthread '" + name + "' called " + what
                    + " on itself: it would wait for its own end forever");
        }
    }

    /**
     * A virtual kthread told to stop usually ends within microseconds, and blocking in join()
     * costs the stopper a park and an unpark, as long again. With a second processor to run it,
     * watch the thread end for a moment first. Not for a platform thread: the JVM takes tens of
     * microseconds to tear one down, far longer than the spin. Not from a virtual stopper either:
     * its spin would hold a carrier that the ending thread may be queued for, where join() frees it.
     */
    private void spinBriefly() {
        Thread t = thread;
        if (SPIN_NANOS == 0 || t == null || !t.isVirtual() || Thread.currentThread().isVirtual()) {
            return; // a virtual stopper spinning would hold a carrier the ending thread may need
        }
        long until = System.nanoTime() + SPIN_NANOS;
        while (t.isAlive() && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }

    private static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 1 ? 5_000 : 0;

    private void joinUninterruptibly() {
        Thread t = thread;
        if (!neverStarted(t)) {
            Uninterruptibly.join(t);
        }
    }

    /** Only a thread whose creation failed was never started (see abandon()). */
    private static boolean neverStarted(Thread t) {
        return t == null || t.getState() == Thread.State.NEW;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Unwinds a kthread's function for exit(); never seen by the function's owner unless caught. */
    private static final class ExitUnwind extends Error {
        private static final long serialVersionUID = 1L;

        ExitUnwind() {
            super("kthread exit", null, false, false);
        }
    }

    /** The kthread as its owner sees it: something to stop and join at unload. */
    private final class Resource implements OwnedResource, Runnable {
        /** The Java thread's body; private to this class, which never leaves kmod4j. */
        @Override
        public void run() {
            body();
        }

        @Override
        public String kind() {
            return "kthread";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void requestStop() {
            if (functionDone) {
                // The function has returned: nothing is left to wake or interrupt, and the thread
                // is in finish(), which holds the lock for a moment; taking it here too would
                // often block the stopper for a park and an unpark. Only the flag is left to set.
                shouldStop = true;
                return;
            }
            Thread t;
            lock().lock();
            try {
                if (state == State.EXITED) {
                    return;
                }
                shouldStop = true;
                shouldPark = false; // kthread_stop unparks
                changed().signalAll();
                t = thread;
            } finally {
                lock().unlock();
            }
            if (t != null && !functionDone) {
                // TIF_NOTIFY_SIGNAL: interruptible waits in the function end. A thread not yet
                // started keeps the status and starts interrupted.
                t.interrupt();
            }
        }

        @Override
        public boolean awaitQuiescent(Duration timeout) throws InterruptedException {
            long nanos = saturatedNanos(timeout);
            long deadline = System.nanoTime() + nanos;
            if (!awaitExited(nanos)) {
                return false;
            }
            Thread t = thread;
            if (neverStarted(t)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            return left <= 0 ? !t.isAlive() : t.join(Duration.ofNanos(left));
        }

        @Override
        public Optional<Thread> thread() {
            Thread t = thread;
            return t != null && t.isAlive() ? Optional.of(t) : Optional.empty();
        }

        @Override
        public String describe() {
            return "kthread '" + name + "' " + state + (shouldStop ? " (stop requested)" : "");
        }
    }
}
