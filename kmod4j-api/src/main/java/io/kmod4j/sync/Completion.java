package io.kmod4j.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A completion: one thread tells others that something is done.
 *
 * <p>Why it exists: a thread that must not proceed until another has finished something (a
 * thread has ended, a firmware download has landed) needs more than a flag. It must sleep
 * without polling, it must not miss a signal sent before it started waiting, and the one who
 * signals must not care whether anyone is waiting yet. This is Linux's {@code struct completion}
 * ({@code include/linux/completion.h}, {@code kernel/sched/completion.c}) with the same counting
 * rules, so code ported from a driver keeps its meaning.
 *
 * <h2>Counting</h2>
 * A completion holds a count of <em>tokens</em>, {@code done} in Linux:
 * <ul>
 *   <li>{@link #complete()} adds one token and wakes one waiter.
 *   <li>Every wait ({@link #awaitUninterruptibly()}, {@link #await()}, their timed forms and
 *       {@link #tryAwait()}) that succeeds takes one token. N calls to {@code complete()} let
 *       exactly the first N waits through; later waits block until more tokens arrive.
 *   <li>{@link #completeAll()} makes the completion <em>sticky</em>: every present and future wait
 *       succeeds without taking anything, until {@link #reinit()}. A count that reaches
 *       {@code Integer.MAX_VALUE} through {@code complete()} becomes sticky the same way (Linux's
 *       {@code UINT_MAX}).
 *   <li>{@link #reinit()} sets the count to zero and nothing else; it is how a completion is reused
 *       after {@code completeAll()}. Waiters already queued stay queued.
 * </ul>
 *
 * <h2>How a wait ends</h2>
 * Every wait variant takes tokens and queues through the same code ({@code do_wait_for_common} in
 * Linux), and all share these rules:
 * <ul>
 *   <li>A wait that finds a token takes it and returns at once, <em>even if the thread's interrupt
 *       status is set</em>; the interrupt status is left as it was.
 *   <li>A wait woken by an interrupt while a token is available takes the token and succeeds, and
 *       keeps the interrupt status set (Linux re-checks {@code done} before the signal).
 *   <li>A timed wait whose timeout is zero or negative never blocks: it takes a token if there is
 *       one and otherwise reports a timeout.
 *   <li>A token that arrives as the deadline passes is taken and reported as success.
 *   <li>A timeout of {@code Long.MAX_VALUE} nanoseconds or more waits forever (Linux's
 *       {@code MAX_SCHEDULE_TIMEOUT}).
 * </ul>
 *
 * <h2>Ordering</h2>
 * Threads that block are served first come, first served: each {@code complete()} hands its
 * token to the longest-waiting thread, and a thread that arrives while others are queued queues
 * behind them instead of taking the token. So no waiter starves under a steady stream of
 * {@code complete()} calls. (Linux lets a newcomer take a token that a woken waiter has not taken
 * yet; kmod4j does not: a token handed to a waiter is that waiter's, and {@link #isDone()} no
 * longer counts it.) An interrupt during an uninterruptible wait does not move the waiter: it
 * keeps its place in the queue.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it calls {@code complete()} or
 * {@code completeAll()} <i>happen-before</i> actions following a successful wait, in another
 * thread, that took that token or observed the sticky state. {@link #isDone()} returning
 * {@code true} gives the same edge.
 *
 * <p>Completions are cheap (one object) and never need freeing. Unlike Linux there is no
 * on-stack lifetime hazard: a waiter that gives up early cannot leave the completer writing into
 * a dead frame.
 */
public final class Completion {

    /*
     * Overview
     *
     * One 64-bit word, `state`, holds the token count (low 32 bits; STICKY means completeAll)
     * and two flags: WAITERS (someone is queued) and LOCKED (a thread is changing the queue).
     * Two invariants make the fast paths plain CASes on that word:
     *
     *   WAITERS implies count == 0: complete() with a waiter queued hands its token to the first
     *     waiter instead of counting it, and a thread queues only when the count is 0. So a
     *     positive count means nobody is queued, and taking from it is fair.
     *   LOCKED implies count == 0: the lock is taken only to queue (count 0), to hand off or wake
     *     all (WAITERS), or to leave the queue (WAITERS).
     *
     * Every change to `state` is a CAS from an unlocked value, so the lock holder owns the word
     * until it stores the unlocked result; the queue (lone, head, tail, Node.next, queued) is
     * changed only under LOCKED. The lock is held for a few field writes, never across a park,
     * an allocation or a call out, and a thread that finds it held spins, then yields.
     *
     * The queue is `lone`, then the list head..tail. A thread that comes to an empty queue
     * (WAITERS clear) puts itself in `lone` and allocates nothing: the usual case, one waiter at
     * a time, costs no node. Later arrivals append nodes; `lone` is only ever filled when the
     * whole queue is empty, so when it is set it is the longest waiter and is served first.
     *
     * A waiter sleeps until it is granted: for the lone waiter, the completer empties `lone`
     * (release) and the waiter sees `lone != itself` (acquire; `lone` may already hold a later
     * thread, never this one while it waits, and that thread stored itself with release after
     * taking the lock from the completer, so the chain of edges still reaches the waiter); for a
     * node, the completer sets `granted` (release, read with acquire). A token is never lost because the waiter queues and the completer
     * finds it under the same lock. A waiter that gives up (timeout, interrupt) takes the lock
     * and either finds itself granted, and succeeds (a token that arrived as the deadline
     * passed, or together with the interrupt, wins, as Linux checks `done` first), or removes
     * itself. So the queue always holds only threads still waiting.
     *
     * Happens-before: complete() publishes through the CAS that adds the token, or through the
     * release store that grants a waiter; completeAll() through the store that makes the count
     * STICKY and those grants.
     */

    /** The count set by completeAll(): waits succeed without taking a token (Linux UINT_MAX). */
    static final int STICKY = Integer.MAX_VALUE;

    private static final long COUNT = 0xFFFF_FFFFL;
    private static final long LOCKED = 1L << 32;
    private static final long WAITERS = 1L << 33;

    /** Timeout meaning "wait forever" (Linux MAX_SCHEDULE_TIMEOUT). */
    private static final long FOREVER = Long.MAX_VALUE;

    /** Spins on a held lock before yielding the processor to its holder. */
    private static final int SPINS = 64;

    private static final VarHandle STATE;
    private static final VarHandle LONE;
    private static final VarHandle GRANTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Completion.class, "state", long.class);
            LONE = l.findVarHandle(Completion.class, "lone", Thread.class);
            GRANTED = l.findVarHandle(Node.class, "granted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How a timed wait sleeps; a seam so that tests can make a token land inside the wait. */
    @FunctionalInterface
    interface TimedPark {
        void parkNanos(Completion c, long nanos);
    }

    static final TimedPark PARK_NANOS = LockSupport::parkNanos;

    /** A blocked waiter behind the lone one. */
    private static final class Node {
        final Thread thread;
        Node next;       // under LOCKED
        boolean granted; // written under LOCKED with release by the completer that picked it

        Node(Thread thread) {
            this.thread = thread;
        }
    }

    /** What {@link #enqueue} returns when it took a token instead of queuing: nothing to wait for. */
    private static final Node TAKEN = new Node(null);

    /** What {@link #enqueue} returns when the caller waits in the {@code lone} slot. */
    private static final Node LONE_WAITER = new Node(null);

    private volatile long state;
    private Thread lone;          // the first waiter, when it came to an empty queue; see Overview
    private Node head;            // under LOCKED: waiters behind `lone`, or first if `lone` left
    private Node tail;            // under LOCKED
    private int queued;           // under LOCKED; nodes only; read without it for diagnostics only
    private final TimedPark timedPark;

    /**
     * Creates a completion with no tokens ({@code DECLARE_COMPLETION}, {@code init_completion}).
     * There is no separate on-stack form; any completion may live anywhere.
     */
    public Completion() {
        this(PARK_NANOS, 0);
    }

    Completion(TimedPark timedPark) {
        this(timedPark, 0);
    }

    /** For tests: a completion whose count starts at {@code done} (e.g. just below sticky). */
    Completion(TimedPark timedPark, int done) {
        if (done < 0) {
            throw new IllegalArgumentException("done < 0: " + done);
        }
        this.timedPark = timedPark;
        this.state = done;
    }

    /**
     * Adds one token and wakes the longest-waiting thread, if any ({@code complete}).
     *
     * <p>Never blocks; may be called from any thread, including one that holds locks. Does nothing
     * on a sticky completion.
     */
    public void complete() {
        for (int spins = 0; ; ) {
            long s = state;
            int n = count(s);
            if (n == STICKY) {
                return;
            }
            if ((s & LOCKED) != 0) {
                spins = backOff(spins);
            } else if ((s & WAITERS) == 0) {
                if (STATE.compareAndSet(this, s, s + 1)) { // reaching STICKY makes it sticky
                    return;
                }
            } else if (STATE.compareAndSet(this, s, s | LOCKED)) {
                Thread t = lone;
                if (t != null) {
                    LONE.setRelease(this, null); // the grant: the waiter finds its slot emptied
                } else {
                    Node first = head;
                    head = first.next;
                    if (head == null) {
                        tail = null;
                    }
                    first.next = null;
                    queued--;
                    GRANTED.setRelease(first, true);
                    t = first.thread;
                }
                unlock(head == null ? s & ~WAITERS : s);
                LockSupport.unpark(t);
                return;
            }
        }
    }

    /**
     * Makes every present and future wait succeed without taking a token, until {@link #reinit()}
     * ({@code complete_all}). Wakes every waiter. Never blocks. Calling it again does nothing.
     */
    public void completeAll() {
        for (int spins = 0; ; ) {
            long s = state;
            if (count(s) == STICKY) {
                return;
            }
            long sticky = (s & ~(COUNT | WAITERS)) | STICKY;
            if ((s & LOCKED) != 0) {
                spins = backOff(spins);
            } else if ((s & WAITERS) == 0) {
                if (STATE.compareAndSet(this, s, sticky)) {
                    return;
                }
            } else if (STATE.compareAndSet(this, s, s | LOCKED)) {
                Thread first = lone;
                if (first != null) {
                    LONE.setRelease(this, null);
                }
                Node all = head;
                head = tail = null;
                queued = 0;
                for (Node w = all; w != null; w = w.next) {
                    GRANTED.setRelease(w, true);
                }
                unlock(sticky);
                if (first != null) {
                    LockSupport.unpark(first);
                }
                for (Node w = all; w != null; w = w.next) {
                    LockSupport.unpark(w.thread);
                }
                return;
            }
        }
    }

    /**
     * Sets the token count to zero so that the completion can be used again
     * ({@code reinit_completion}). It does not touch waiters: the caller must make sure that
     * every waiter of the previous round has returned, as in Linux.
     */
    public void reinit() {
        for (;;) {
            long s = state;
            // LOCKED or WAITERS imply a count of zero already: nothing to reset.
            if (count(s) == 0 || (s & (LOCKED | WAITERS)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s & ~COUNT)) {
                return;
            }
        }
    }

    /**
     * Waits for a token without being interruptible ({@code wait_for_completion}).
     *
     * <p>Returns at once if a token is available. Otherwise blocks until one arrives; an interrupt
     * does not end the wait, but the thread's interrupt status is set again on return.
     */
    public void awaitUninterruptibly() {
        // The most used wait, kept small enough to be inlined into its caller: on a virtual
        // thread every frame on the stack at park() is copied out and back in, and the general
        // routine (block) is too big to inline, so it would add a frame to every sleep.
        if (tryTake()) {
            return;
        }
        Thread me = Thread.currentThread();
        Node node = enqueue(me);
        if (node == TAKEN) {
            return;
        }
        boolean interrupted = false;
        while (!granted(node, me)) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // cleared so that park() sleeps again; set again below
        }
        if (interrupted) {
            me.interrupt();
        }
    }

    /**
     * Waits for a token for at most {@code timeout}, not interruptibly
     * ({@code wait_for_completion_timeout}).
     *
     * <p>Interrupts do not end the wait; the interrupt status is set again on return.
     *
     * @param timeout how long to wait; zero or negative means "do not block"
     * @return {@code true} if a token was taken (including one that arrived as the deadline
     *     passed), {@code false} if the wait timed out
     */
    public boolean awaitUninterruptibly(Duration timeout) {
        try {
            return doWait(nanos(timeout), false);
        } catch (InterruptedException impossible) {
            throw new AssertionError("an uninterruptible wait was interrupted", impossible);
        }
    }

    /**
     * Waits for a token until interrupted ({@code wait_for_completion_interruptible}).
     *
     * <p>Returns at once if a token is available, even if the interrupt status is set.
     *
     * @throws InterruptedException if the thread was interrupted on entry or while waiting and no
     *     token was available; the interrupt status is cleared, as in {@code java.util.concurrent}
     */
    public void await() throws InterruptedException {
        doWait(FOREVER, true);
    }

    /**
     * Waits for a token for at most {@code timeout}, until interrupted
     * ({@code wait_for_completion_interruptible_timeout}).
     *
     * @param timeout how long to wait; zero or negative means "do not block"
     * @return {@code true} if a token was taken, {@code false} if the wait timed out
     * @throws InterruptedException if the thread was interrupted on entry or while waiting and no
     *     token was available; the interrupt status is cleared
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return doWait(nanos(timeout), true);
    }

    /**
     * Takes a token if one is available, without blocking ({@code try_wait_for_completion}).
     * Takes nothing from a sticky completion. Does not take a token past a thread already queued.
     *
     * @return {@code true} if a token was taken or the completion is sticky
     */
    public boolean tryAwait() {
        return tryTake();
    }

    /**
     * Whether a wait would find a token: the count is not zero ({@code completion_done}).
     *
     * <p>Despite its Linux kernel-doc, this says nothing about whether anyone is waiting. It takes
     * nothing and is always {@code true} after {@link #completeAll()} until {@link #reinit()}. A
     * token that {@code complete()} handed straight to a queued waiter is not counted. A
     * {@code true} answer happens-after the {@code complete()} that made it true.
     */
    public boolean isDone() {
        return count(state) != 0;
    }

    @Override
    public String toString() {
        long s = state; // one read for both numbers, so that they belong together
        int done = count(s);
        return "Completion[done=" + (done == STICKY ? "all" : Integer.toString(done))
                + ", waiters=" + waiters(s) + "]";
    }

    /** Waiting threads, for tests and diagnostics; an estimate while threads come and go. */
    int queueLength() {
        return waiters(state); // a volatile read first, so that each call reads the queue afresh
    }

    private int waiters(long s) {
        return (s & WAITERS) == 0 ? 0 : queued + (lone != null ? 1 : 0);
    }

    // ---------------------------------------------------------------- the wait

    private static int count(long s) {
        return (int) (s & COUNT);
    }

    /** Takes a token without blocking: one from a positive count (nobody is queued then), none from a sticky one. */
    private boolean tryTake() {
        for (;;) {
            long s = state;
            int n = count(s);
            if (n == 0) {
                return false; // the common miss first: one load, one test
            }
            if (n == STICKY) {
                return true;
            }
            if (STATE.compareAndSet(this, s, s - 1)) {
                return true;
            }
        }
    }

    /**
     * The wait routine ({@code do_wait_for_common}) of every wait but {@link #awaitUninterruptibly()},
     * which does the same steps in a loop small enough to inline (see there).
     *
     * @param nanos timeout, {@link #FOREVER} for none, zero or less for "do not block"
     * @param interruptible whether an interrupt ends the wait
     * @return whether a token was taken
     */
    private boolean doWait(long nanos, boolean interruptible) throws InterruptedException {
        if (tryTake()) {
            return true; // a present token wins, even over a pending interrupt
        }
        if (nanos <= 0) {
            return false;
        }
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        return block(nanos, interruptible);
    }

    /**
     * Queues the caller, or takes a token that arrived since it last looked.
     *
     * @return {@link #TAKEN} if it took a token (or found the completion sticky),
     *     {@link #LONE_WAITER} if it waits in the lone slot, else its node in the queue
     */
    private Node enqueue(Thread me) {
        Node node = null;
        for (int spins = 0; ; ) {
            long s = state;
            int n = count(s);
            if (n == STICKY) {
                return TAKEN;
            }
            if (n > 0) { // a token came since tryTake(): nobody is queued, so it is ours to take
                if (STATE.compareAndSet(this, s, s - 1)) {
                    return TAKEN;
                }
                continue;
            }
            if ((s & LOCKED) != 0) {
                spins = backOff(spins);
                continue;
            }
            if ((s & WAITERS) == 0) { // nobody waits: take the lone slot, no node needed
                if (STATE.compareAndSet(this, s, s | LOCKED)) {
                    // Release, not plain: an earlier lone waiter may read this value instead of
                    // the null that granted it, and must still see what its completer wrote.
                    LONE.setRelease(this, me);
                    unlock(s | WAITERS);
                    return LONE_WAITER;
                }
                continue;
            }
            if (node == null) {
                node = new Node(me); // outside the lock
                continue;            // and look again: the state may have changed meanwhile
            }
            if (STATE.compareAndSet(this, s, s | LOCKED)) {
                if (tail == null) {
                    head = node;
                } else {
                    tail.next = node;
                }
                tail = node;
                queued++;
                unlock(s);
                return node;
            }
        }
    }

    /** Queues the caller, or takes a token that arrived meanwhile, then sleeps until granted or given up. */
    private boolean block(long nanos, boolean interruptible) throws InterruptedException {
        final long deadline = nanos == FOREVER ? 0 : System.nanoTime() + nanos;
        final Thread me = Thread.currentThread();
        final Node node = enqueue(me);
        if (node == TAKEN) {
            return true;
        }
        boolean interrupted = false;
        try {
            while (!granted(node, me)) {
                if (nanos == FOREVER) {
                    LockSupport.park(this);
                } else {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return leave(node, me); // a token granted as the deadline passed still counts
                    }
                    timedPark.parkNanos(this, remaining);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible) {
                        if (leave(node, me)) {
                            return true; // token and interrupt together: the token wins, status kept
                        }
                        interrupted = false;
                        throw new InterruptedException();
                    }
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether a completer has picked this waiter: its node granted, or its lone slot emptied. */
    private boolean granted(Node node, Thread me) {
        return node == LONE_WAITER ? LONE.getAcquire(this) != me : (boolean) GRANTED.getAcquire(node);
    }

    /** Gives up a wait: @return true if the waiter was granted after all (keep the token). */
    private boolean leave(Node node, Thread me) {
        for (int spins = 0; ; ) {
            if (granted(node, me)) {
                return true;
            }
            long s = state;
            if ((s & WAITERS) == 0) {
                // Not queued any more, so granted: the completer emptied the queue after it
                // granted us, and this volatile read of its unlock makes the grant visible on the
                // next look. Never lock here: a count may be back by now, and a lock taken over it
                // would break "LOCKED implies count 0" and let unlock(s) restore a token that a
                // tryAwait() took meanwhile.
                continue;
            }
            if ((s & LOCKED) != 0) {
                spins = backOff(spins);
            } else if (STATE.compareAndSet(this, s, s | LOCKED)) {
                if (granted(node, me)) { // granting happens under the lock: now it is settled
                    unlock(s);
                    return true;
                }
                if (node == LONE_WAITER) {
                    // Release: an earlier lone waiter may read this null as its grant.
                    LONE.setRelease(this, null);
                } else {
                    Node prev = null;
                    for (Node x = head; x != node; x = x.next) {
                        prev = x;
                    }
                    if (prev == null) {
                        head = node.next;
                    } else {
                        prev.next = node.next;
                    }
                    if (tail == node) {
                        tail = prev;
                    }
                    queued--;
                }
                unlock(lone == null && head == null ? s & ~WAITERS : s);
                return false;
            }
        }
    }

    private void unlock(long s) {
        STATE.setRelease(this, s);
    }

    /** Waits for a held lock: spins briefly, then lets other threads (its holder) run. */
    private static int backOff(int spins) {
        if (spins < SPINS) {
            Thread.onSpinWait();
            return spins + 1;
        }
        Thread.yield();
        return spins;
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException beyondLong) {
            return FOREVER;
        }
    }
}
