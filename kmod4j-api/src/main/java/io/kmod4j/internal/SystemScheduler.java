package io.kmod4j.internal;

import io.kmod4j.log.Level;
import io.kmod4j.log.LogRing;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on the system clock: one daemon thread that only fires timers.
 * <b>Not API.</b>
 *
 * <p>What a task throws is reported to the given log, with its stack trace, and the thread goes
 * on with the next task. The tasks are the expiries of delayed works and timers; they pass on
 * only what the machinery throws (an executor's or owner's Error), and the executor underneath
 * would keep it in a future nobody reads.
 */
public final class SystemScheduler implements Scheduler {

    private final String name;
    private final ScheduledThreadPoolExecutor timer;
    private final LogRing log;

    /** A scheduler whose thread is called {@code name}; what a task throws is reported to {@code log}. */
    public SystemScheduler(String name, LogRing log) {
        this.name = name;
        this.log = log;
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setContextClassLoader(null); // never inherit a module's loader from whoever triggered us
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Scheduled schedule(Runnable task, Duration delay) {
        long nanos;
        try {
            nanos = Math.max(0, delay.toNanos());
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        ScheduledFuture<?> f = timer.schedule(() -> runReporting(task), nanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /**
     * Runs {@code task}; reports what it throws through {@link Oops}, as every report of a throw
     * must be (decision 0013). A report that fails itself (out of memory) ends in the task's
     * future, and the thread still goes on.
     */
    private void runReporting(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.log(Level.ERR, "kernel", "unhandled " + e.getClass().getName() + " on scheduler '" + name
                    + "' (the timer thread goes on)\nCall Trace:\n" + Oops.trace(e));
        }
    }

    /** Stops the timer thread; scheduled tasks are dropped. */
    public void shutdown() {
        timer.shutdownNow();
    }
}
