package io.kmod4j.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on the system clock: one daemon thread that only fires timers.
 * <b>Not API.</b>
 */
public final class SystemScheduler implements Scheduler {

    private final ScheduledThreadPoolExecutor timer;

    /** A scheduler whose thread is called {@code name}. */
    public SystemScheduler(String name) {
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
        ScheduledFuture<?> f = timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /** Stops the timer thread; scheduled tasks are dropped. */
    public void shutdown() {
        timer.shutdownNow();
    }
}
