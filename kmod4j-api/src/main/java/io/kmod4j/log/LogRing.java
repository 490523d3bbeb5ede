package io.kmod4j.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The kernel log: a bounded ring of {@link LogRecord}s, the buffer behind {@code printk} and
 * {@code dmesg} ({@code kernel/printk/printk_ringbuffer.c}).
 *
 * <p>Every line gets a sequence number; when the ring is full the oldest lines are overwritten,
 * and a reader that asks for lines it has not seen gets the oldest ones still kept (as a reader of
 * {@code /dev/kmsg} that fell behind does). A message with several lines is stored as several
 * records with one timestamp; a line longer than {@link #MAX_LINE} characters is cut there.
 * Times are measured from the ring's creation ("boot") on an injectable nanosecond clock.
 *
 * <p>Thread-safe. Writers never block on readers. Subscribers are called after the record is
 * stored, on the logging thread, outside any lock; lines logged concurrently by different threads
 * may reach a subscriber in a different order than their sequence numbers, which
 * {@link #recordsAfter(long)} always returns in order.
 *
 * <p><b>Memory consistency effects:</b> storing a record happens-before any read that returns it.
 */
public final class LogRing {

    /** Lines kept by default. */
    public static final int DEFAULT_CAPACITY = 16_384;
    /** Longest line kept, in characters (Linux's record limit is of the same order). */
    public static final int MAX_LINE = 1_024;

    private static final LogRing GLOBAL = new LogRing();

    private final LogRecord[] ring;
    private final LongSupplier nanoClock;
    private final long bootNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final List<Consumer<LogRecord>> subscribers = new CopyOnWriteArrayList<>();
    private long nextSeq;   // guarded by lock
    private long clearedSeq; // guarded by lock; records below it are hidden (dmesg -C)

    /** A ring with {@link #DEFAULT_CAPACITY} lines on the system's monotonic clock. */
    public LogRing() {
        this(DEFAULT_CAPACITY, System::nanoTime);
    }

    /**
     * A ring of the given size on the given clock.
     *
     * @param capacity lines kept, at least 1
     * @param nanoClock monotonic nanoseconds (like {@link System#nanoTime()}); read once now as
     *     the boot time and once per message
     */
    public LogRing(int capacity, LongSupplier nanoClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.ring = new LogRecord[capacity];
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.bootNanos = nanoClock.getAsLong();
    }

    /** The process-wide ring that code outside any {@code Kernel} logs to. */
    public static LogRing global() {
        return GLOBAL;
    }

    /** Time since this ring was created. */
    public Duration uptime() {
        return Duration.ofNanos(nanoClock.getAsLong() - bootNanos);
    }

    /**
     * Appends a message. Never blocks for long and never throws for its content.
     *
     * @param level severity
     * @param owner who logs it, e.g. a module name or {@code "kernel"}
     * @param message text; split into one record per line; trailing newlines are dropped
     */
    public void log(Level level, String owner, String message) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(owner, "owner");
        String text = message == null ? "(null)" : message;
        long now = nanoClock.getAsLong() - bootNanos;
        String[] lines = text.split("\r?\n", -1);
        int count = lines.length;
        while (count > 1 && lines[count - 1].isEmpty()) {
            count--;
        }
        LogRecord[] stored = new LogRecord[count];
        lock.lock();
        try {
            for (int i = 0; i < count; i++) {
                String line = lines[i].length() > MAX_LINE ? lines[i].substring(0, MAX_LINE) : lines[i];
                LogRecord r = new LogRecord(nextSeq, level, now, owner, line);
                ring[(int) (nextSeq % ring.length)] = r;
                nextSeq++;
                stored[i] = r;
            }
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        for (Consumer<LogRecord> s : subscribers) {
            for (LogRecord r : stored) {
                deliver(s, r);
            }
        }
    }

    /** All lines still kept and not cleared, oldest first. */
    public List<LogRecord> records() {
        return recordsAfter(-1);
    }

    /**
     * Lines with a sequence number greater than {@code seq}, oldest first. Lines already
     * overwritten are skipped silently; compare the first returned sequence number with
     * {@code seq + 1} to see whether any were lost.
     */
    public List<LogRecord> recordsAfter(long seq) {
        lock.lock();
        try {
            return copyAfter(seq);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a line newer than {@code seq} exists, then returns all such lines
     * ({@code dmesg -w}).
     *
     * @return the new lines; empty if the timeout passed first (zero or negative: do not wait)
     * @throws InterruptedException if interrupted while waiting; the interrupt status is cleared
     */
    public List<LogRecord> awaitAfter(long seq, Duration timeout) throws InterruptedException {
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (nextSeq - 1 <= seq) {
                if (nanos <= 0) {
                    return List.of();
                }
                nanos = appended.awaitNanos(nanos);
            }
            return copyAfter(seq);
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number the next line will get. */
    public long nextSeq() {
        lock.lock();
        try {
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Hides every line logged so far from later reads ({@code dmesg -C}). */
    public void clear() {
        lock.lock();
        try {
            clearedSeq = nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Calls {@code subscriber} with every line logged from now on, until the returned handle is
     * closed. A subscriber that throws is removed and the failure is reported on standard error.
     */
    public AutoCloseable subscribe(Consumer<LogRecord> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    private List<LogRecord> copyAfter(long seq) {
        long first = Math.max(Math.max(seq + 1, clearedSeq), nextSeq - ring.length);
        List<LogRecord> out = new ArrayList<>((int) Math.max(0, nextSeq - first));
        for (long s = Math.max(first, 0); s < nextSeq; s++) {
            out.add(ring[(int) (s % ring.length)]);
        }
        return out;
    }

    private void deliver(Consumer<LogRecord> subscriber, LogRecord r) {
        try {
            subscriber.accept(r);
        } catch (RuntimeException e) {
            subscribers.remove(subscriber);
            System.err.println("kmod4j: log subscriber " + subscriber + " failed and was removed: " + e);
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

}
