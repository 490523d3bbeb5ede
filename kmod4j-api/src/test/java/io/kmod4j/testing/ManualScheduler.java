package io.kmod4j.testing;

import io.kmod4j.internal.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose clock moves only when a test calls {@link #advance(Duration)}: due
 * tasks then run on the test's thread, in deadline order. Thread-safe.
 */
public final class ManualScheduler implements Scheduler {

    private record Task(long due, long seq, Runnable run, boolean[] cancelled) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    private volatile Runnable onSchedule = () -> { };

    /**
     * Runs {@code hook} on the caller's thread each time something is scheduled, before the task
     * is queued: a test can look at its subject in the middle of the call that schedules.
     */
    public void onSchedule(Runnable hook) {
        onSchedule = hook;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Scheduled schedule(Runnable task, Duration delay) {
        onSchedule.run();
        long d = Math.max(0, delay.toNanos());
        boolean[] cancelled = new boolean[1];
        tasks.add(new Task(now + d, seq++, task, cancelled));
        return () -> {
            synchronized (ManualScheduler.this) {
                if (cancelled[0]) {
                    return false;
                }
                cancelled[0] = true;
                return tasks.removeIf(t -> t.cancelled == cancelled);
            }
        };
    }

    /** Tasks waiting, cancelled ones excluded. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** Moves the clock forward and runs every task that falls due, in order. */
    public void advance(Duration by) {
        long target;
        synchronized (this) {
            target = now + by.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
                next.cancelled[0] = true; // started: can no longer be cancelled
            }
            next.run.run();
        }
    }

    /** Runs every task due now without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    List<Long> dueTimes() {
        List<Long> out = new ArrayList<>();
        synchronized (this) {
            for (Task t : tasks) {
                out.add(t.due);
            }
        }
        return out;
    }
}
