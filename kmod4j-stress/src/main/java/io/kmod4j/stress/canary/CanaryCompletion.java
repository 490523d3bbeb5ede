package io.kmod4j.stress.canary;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A copy of {@link io.kmod4j.sync.Completion} with one planted bug, chosen per instance, so that
 * the canary tests can show that each jcstress test catches the kind of bug it is meant to. With
 * {@link Bug#NONE} it behaves as the real one (same state word with its lock bit, same lone slot
 * and queue, same hand-off; decision 0012), reduced to the methods the canary tests call.
 *
 * <p>Never used outside the canary tests; never run by the default stress suite.
 */
public final class CanaryCompletion {

    /** The planted bugs. */
    public enum Bug {
        /** None: the real algorithm. */
        NONE,
        /** complete() is a read, then a write: two concurrent completes may count as one. */
        NON_ATOMIC_COMPLETE,
        /** tryAwait() reads, then writes: two concurrent takers may both take the one token. */
        NON_ATOMIC_TAKE,
        /** A blocking wait returns once a token is there but does not take it. */
        WAIT_TAKES_NOTHING,
        /**
         * A waiter checks for a token, then queues without checking again: a complete() in
         * between counts a token that nobody hands to the sleeping waiter.
         */
        LOST_WAKEUP,
        /** completeAll() is just complete(): one token, not sticky. */
        COMPLETE_ALL_IS_COMPLETE,
        /** complete() after completeAll() restarts the count at one: sticky undone. */
        COMPLETE_RESETS_STICKY,
        /**
         * completeAll() hands one token to each thread queued at that moment instead of making the
         * completion sticky: a waiter about to queue is forgotten.
         */
        TOKENS_FOR_QUEUED,
        /** A timed wait that times out reports whether a token is there, without taking it. */
        TIMEOUT_REPORTS_PRESENCE,
        /** A timed wait that times out takes a token handed to it but reports a timeout. */
        TIMEOUT_DROPS_TOKEN
    }

    static final int STICKY = Integer.MAX_VALUE;
    private static final long COUNT = 0xFFFF_FFFFL;
    private static final long LOCKED = 1L << 32;
    private static final long WAITERS = 1L << 33;
    private static final long FOREVER = Long.MAX_VALUE;
    private static final VarHandle STATE;
    private static final VarHandle LONE;
    private static final VarHandle GRANTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(CanaryCompletion.class, "state", long.class);
            LONE = l.findVarHandle(CanaryCompletion.class, "lone", Thread.class);
            GRANTED = l.findVarHandle(Node.class, "granted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        final Thread thread = Thread.currentThread();
        Node next;
        boolean granted;
    }

    private final Bug bug;
    private volatile long state;
    private Thread lone;
    private Node head;
    private Node tail;

    public CanaryCompletion(Bug bug) {
        this.bug = bug;
    }

    public void complete() {
        for (int spins = 0; ; ) {
            long s = state;
            int n = count(s);
            if (n == STICKY) {
                if (bug != Bug.COMPLETE_RESETS_STICKY) {
                    return;
                }
                if (STATE.compareAndSet(this, s, (s & ~COUNT) | 1)) {
                    return;
                }
            } else if ((s & LOCKED) != 0) {
                spins = backOff(spins);
            } else if ((s & WAITERS) == 0) {
                if (bug == Bug.NON_ATOMIC_COMPLETE) {
                    Thread.yield(); // widen the window between the read and the write
                    state = s + 1;
                    return;
                }
                if (STATE.compareAndSet(this, s, s + 1)) {
                    return;
                }
            } else if (STATE.compareAndSet(this, s, s | LOCKED)) {
                Thread t = lone;
                if (t != null) {
                    LONE.setRelease(this, null);
                } else {
                    Node first = head;
                    head = first.next;
                    if (head == null) {
                        tail = null;
                    }
                    first.next = null;
                    GRANTED.setRelease(first, true);
                    t = first.thread;
                }
                unlock(head == null ? s & ~WAITERS : s);
                LockSupport.unpark(t);
                return;
            }
        }
    }

    public void completeAll() {
        if (bug == Bug.COMPLETE_ALL_IS_COMPLETE) {
            complete();
            return;
        }
        for (int spins = 0; ; ) {
            long s = state;
            if (count(s) == STICKY) {
                return;
            }
            long sticky = (s & ~(COUNT | WAITERS)) | STICKY;
            long after = bug == Bug.TOKENS_FOR_QUEUED ? s & ~WAITERS : sticky;
            if ((s & LOCKED) != 0) {
                spins = backOff(spins);
            } else if ((s & WAITERS) == 0) {
                if (bug == Bug.TOKENS_FOR_QUEUED || STATE.compareAndSet(this, s, sticky)) {
                    return;
                }
            } else if (STATE.compareAndSet(this, s, s | LOCKED)) {
                Thread first = lone;
                if (first != null) {
                    LONE.setRelease(this, null);
                }
                Node all = head;
                head = tail = null;
                for (Node w = all; w != null; w = w.next) {
                    GRANTED.setRelease(w, true);
                }
                unlock(after);
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

    public void reinit() {
        for (;;) {
            long s = state;
            if (count(s) == 0 || (s & (LOCKED | WAITERS)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s & ~COUNT)) {
                return;
            }
        }
    }

    public boolean tryAwait() {
        for (;;) {
            long s = state;
            int n = count(s);
            if (n == STICKY) {
                return true;
            }
            if (n == 0) {
                return false;
            }
            if (bug == Bug.NON_ATOMIC_TAKE) {
                Thread.yield(); // widen the window between the read and the write
                state = s - 1;
                return true;
            }
            if (STATE.compareAndSet(this, s, s - 1)) {
                return true;
            }
        }
    }

    public boolean isDone() {
        return count(state) != 0;
    }

    public void awaitUninterruptibly() {
        if (bug == Bug.WAIT_TAKES_NOTHING ? !isDone() : !tryAwait()) {
            block(FOREVER);
        }
    }

    public boolean awaitUninterruptibly(Duration timeout) {
        long nanos = timeout.isNegative() ? 0 : timeout.toNanos();
        if (bug == Bug.WAIT_TAKES_NOTHING ? isDone() : tryAwait()) {
            return true;
        }
        return nanos > 0 && block(nanos);
    }

    private boolean block(long nanos) {
        final long deadline = nanos == FOREVER ? 0 : System.nanoTime() + nanos;
        final Thread me = Thread.currentThread();
        Node node = null;
        boolean checked = false;
        for (int spins = 0; ; ) {
            long s = state;
            int n = count(s);
            if (n == STICKY) {
                return true;
            }
            if (n > 0 && !(bug == Bug.LOST_WAKEUP && checked)) {
                if (bug == Bug.WAIT_TAKES_NOTHING || STATE.compareAndSet(this, s, s - 1)) {
                    return true;
                }
                continue;
            }
            checked = true;
            if ((s & LOCKED) != 0) {
                spins = backOff(spins);
                continue;
            }
            if ((s & WAITERS) == 0) {
                if (STATE.compareAndSet(this, s, s | LOCKED)) {
                    LONE.setRelease(this, me);
                    unlock(s | WAITERS);
                    node = null;
                    break;
                }
                continue;
            }
            if (node == null) {
                node = new Node();
                continue;
            }
            if (STATE.compareAndSet(this, s, s | LOCKED)) {
                if (tail == null) {
                    head = node;
                } else {
                    tail.next = node;
                }
                tail = node;
                unlock(s);
                break;
            }
        }
        boolean interrupted = false;
        try {
            while (!granted(node, me)) {
                if (nanos == FOREVER) {
                    LockSupport.park(this);
                } else {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        boolean granted = leave(node, me);
                        return switch (bug) {
                            case TIMEOUT_REPORTS_PRESENCE -> isDone(); // a granted token is not counted: lost
                            case TIMEOUT_DROPS_TOKEN -> false;
                            default -> granted;
                        };
                    }
                    LockSupport.parkNanos(this, remaining);
                }
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean granted(Node node, Thread me) {
        return node == null ? LONE.getAcquire(this) != me : (boolean) GRANTED.getAcquire(node);
    }

    private boolean leave(Node node, Thread me) {
        for (int spins = 0; ; ) {
            if (granted(node, me)) {
                return true;
            }
            long s = state;
            if ((s & WAITERS) == 0) {
                continue;
            }
            if ((s & LOCKED) != 0) {
                spins = backOff(spins);
            } else if (STATE.compareAndSet(this, s, s | LOCKED)) {
                if (granted(node, me)) {
                    unlock(s);
                    return true;
                }
                if (node == null) {
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
                }
                unlock(lone == null && head == null ? s & ~WAITERS : s);
                return false;
            }
        }
    }

    private void unlock(long s) {
        STATE.setRelease(this, s);
    }

    private static int count(long s) {
        return (int) (s & COUNT);
    }

    private static int backOff(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
            return spins + 1;
        }
        Thread.yield();
        return spins;
    }
}
