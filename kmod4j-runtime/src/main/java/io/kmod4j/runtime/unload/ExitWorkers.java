package io.kmod4j.runtime.unload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The platform threads that run modules' {@code exit()} (decision 0006), kept for reuse.
 *
 * <p>Starting a platform thread costs a few hundred microseconds on a busy two-core machine,
 * more than the rest of a small module's {@code exit()}; a worker that is back from one module's
 * {@code exit()} runs the next one instead. A worker is only reused when it is provably as clean
 * as a new thread: it has no thread-local map at all (module code that used a
 * {@code ThreadLocal} on it could have left a value that pins the module), and its name, context
 * class loader, priority and interrupt status are put back. A worker that fails the check ends,
 * taking its thread locals with it, and the next exit gets a new thread; so does every exit when
 * the runtime cannot read thread-local maps (no {@code --add-opens java.base/java.lang=ALL-UNNAMED}).
 * An {@code exit()} that never returns keeps its worker: the pool makes another.
 *
 * <p>Idle workers end after {@link #KEEP_ALIVE}. Thread-safe.
 */
final class ExitWorkers {

    /** How long an idle worker waits for the next exit before it ends. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

    // Thread.threadLocals and Thread.inheritableThreadLocals, read (never written) to decide
    // whether a worker may be reused; null when java.lang is not open to us.
    private static final VarHandle LOCALS;
    private static final VarHandle INHERITABLE;

    static {
        VarHandle locals = null;
        VarHandle inheritable = null;
        try {
            Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            locals = lookup.findVarHandle(Thread.class, "threadLocals", map);
            inheritable = lookup.findVarHandle(Thread.class, "inheritableThreadLocals", map);
        } catch (ReflectiveOperationException | RuntimeException notOpen) {
            locals = null;
            inheritable = null;
        }
        LOCALS = locals;
        INHERITABLE = inheritable;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>(); // guarded by lock
    private boolean closed;                                     // guarded by lock
    private final AtomicInteger serial = new AtomicInteger();
    private final long keepAliveNanos;

    ExitWorkers() {
        this(KEEP_ALIVE);
    }

    ExitWorkers(Duration keepAlive) {
        this.keepAliveNanos = keepAlive.toNanos();
    }

    /** Whether workers can be checked, and so reused, in this JVM. */
    static boolean reuseSupported() {
        return LOCALS != null;
    }

    /**
     * Runs {@code body} on a worker renamed {@code name} for the duration.
     *
     * @return the call, to wait for and to name its thread in a hung-task report
     */
    Call run(String name, Runnable body) {
        Call call = new Call(name, body);
        Worker w;
        lock.lock();
        try {
            w = closed ? null : idle.pollLast(); // the most recently used: its stack is still warm
            if (w != null) {
                w.next = call;
                w.wake.signal();
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            w = new Worker(call);
            w.thread.start();
        }
        return call;
    }

    /**
     * Ends the idle workers now rather than after their keep-alive, and every busy one when its
     * exit() returns; a later {@link #run} still works, on a thread that ends after it.
     */
    void close() {
        lock.lock();
        try {
            closed = true;
            for (Worker w : idle) {
                w.wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Workers waiting for an exit to run, for tests. */
    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /** One {@code exit()} handed to a worker. */
    static final class Call {
        private final String name;
        private Runnable body; // dropped once run: a finished call must not keep the module reachable
        private volatile Thread thread;
        private volatile boolean retiring; // its worker ends after it: await() also waits for that
        private final CountDownLatch done = new CountDownLatch(1);

        private Call(String name, Runnable body) {
            this.name = name;
            this.body = body;
        }

        /** The thread running it, or that ran it last; {@code null} before it starts. */
        Thread thread() {
            return thread;
        }

        /** Whether {@code body} has returned (or thrown). */
        boolean isDone() {
            return done.getCount() == 0;
        }

        /**
         * Waits until the body has returned or {@code deadline} ({@link System#nanoTime}) passes.
         *
         * @return whether it returned; an interrupt ends the wait early and is kept
         */
        boolean await(long deadline) {
            try {
                if (!done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return false;
                }
                // A worker that ends after this call may still hold what the module left in its
                // thread locals until it has: wait for that too (best effort, within the deadline),
                // so the proof that follows does not collect while it is still there.
                Thread t = thread;
                if (retiring && t != null) {
                    t.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return isDone();
            }
        }

        private void runOn(Thread self) {
            Runnable b = body;
            body = null;
            String idleName = self.getName();
            thread = self;
            self.setName(name);
            try {
                b.run();
            } finally {
                b = null;
                self.setName(idleName);
                self.setContextClassLoader(null);
                self.setPriority(Thread.NORM_PRIORITY);
            }
        }

        /** Lets the caller go on; {@code retire}: the worker ends instead of going back to the pool. */
        private void finished(boolean retire) {
            retiring = retire;
            done.countDown();
        }
    }

    private final class Worker implements Runnable {
        final Thread thread;
        final Condition wake = lock.newCondition();
        Call next; // guarded by lock

        Worker(Call first) {
            this.next = first;
            this.thread = Thread.ofPlatform().daemon(true).inheritInheritableThreadLocals(false)
                    .name("kmod4j-exit-" + serial.incrementAndGet()).unstarted(this);
            this.thread.setContextClassLoader(null);
        }

        @Override
        public void run() {
            Thread self = Thread.currentThread();
            while (true) {
                Call c = take();
                if (c == null) {
                    return;
                }
                boolean reuse;
                try {
                    c.runOn(self);
                    Thread.interrupted(); // an interrupt meant for this exit must not reach the next
                    reuse = clean(self);
                } catch (Throwable escaped) {
                    reuse = false; // the body reports its own errors; a worker that saw one is not reused
                }
                lock.lock();
                try {
                    reuse &= !closed;
                    if (reuse) {
                        idle.addLast(this);
                    }
                } finally {
                    lock.unlock();
                }
                c.finished(!reuse);
                if (!reuse) {
                    return;
                }
            }
        }

        /** The next call, or {@code null} after {@code keepAliveNanos} without one. */
        private Call take() {
            lock.lock();
            try {
                long nanos = keepAliveNanos;
                while (next == null) {
                    if (nanos <= 0 || closed) {
                        idle.remove(this); // next is still null under the lock: nobody picked us
                        return null;
                    }
                    try {
                        nanos = wake.awaitNanos(nanos);
                    } catch (InterruptedException stray) {
                        // nothing of ours interrupts an idle worker; keep waiting
                    }
                }
                Call c = next;
                next = null;
                return c;
            } finally {
                lock.unlock();
            }
        }
    }

    /** As clean as a new thread: no thread-local map, so nothing a module stored can be left. */
    static boolean clean(Thread t) {
        return LOCALS != null && LOCALS.get(t) == null && INHERITABLE.get(t) == null;
    }
}
