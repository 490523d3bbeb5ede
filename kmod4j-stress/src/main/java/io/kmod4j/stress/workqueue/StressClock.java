package io.kmod4j.stress.workqueue;

import io.kmod4j.internal.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A clock that moves only when an actor calls {@link #advance(Duration)}: timers that fall due
 * then fire on that actor's thread, in deadline order. The stress tests' {@code jiffies}: an
 * expiry happens exactly where the test puts it, racing whatever the other actor does.
 * Thread-safe. (kmod4j-api's test helper ManualScheduler does the same for unit tests; the stress
 * jar is built without kmod4j-api's test classes, so it keeps its own.)
 *
 * <p>{@link #advance(Duration)} moves time first and then fires the timers due, as a real clock
 * does: a timer re-armed while its expiry is being handled counts from the new time, so it fires
 * on a later advance. A tick of a real clock is therefore two events, time moving and the expiry
 * of what fell due; {@link #move(Duration)} and {@link #fireDue()} make each of them one step of
 * its own, which is what a sequential specification can describe (Lincheck's timer operations).
 */
public final class StressClock implements Scheduler {

    private final class Timer implements Scheduled {
        final long due;
        final long seq;
        final Runnable task;
        boolean taken; // started or cancelled; guarded by the clock

        Timer(long due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public boolean cancel() {
            return StressClock.this.cancel(this);
        }
    }

    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Scheduled schedule(Runnable task, Duration delay) {
        Timer t = new Timer(now + Math.max(0, delay.toNanos()), seq++, task);
        timers.add(t);
        return t;
    }

    private synchronized boolean cancel(Timer t) {
        if (t.taken) {
            return false; // already fired (or firing): the task must find itself stale
        }
        t.taken = true;
        timers.remove(t);
        return true;
    }

    /** Moves the clock forward by {@code by}, firing every timer that falls due, in order. */
    public void advance(Duration by) {
        long target;
        synchronized (this) {
            target = now + by.toNanos();
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.due > target) {
                    now = Math.max(now, target);
                    return;
                }
                timers.poll();
                next.taken = true;
                now = Math.max(now, next.due);
            }
            next.task.run();
        }
    }

    /** Moves time forward by {@code by} without firing anything: the first half of a tick. */
    public synchronized void move(Duration by) {
        now += by.toNanos();
    }

    /** Fires every timer due at the current time, in order, without moving time: the second half. */
    public void fireDue() {
        advance(Duration.ZERO);
    }
}
