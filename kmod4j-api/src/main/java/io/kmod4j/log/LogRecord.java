package io.kmod4j.log;

import java.util.Locale;
import java.util.Objects;

/**
 * One line of the kernel log.
 *
 * @param seq sequence number, unique and increasing within one {@link LogRing}
 * @param level severity
 * @param nanosSinceBoot time since the ring's boot, in nanoseconds
 * @param owner who logged it: a module name, or {@code "kernel"}
 * @param message the text, one line, without a trailing newline
 */
public record LogRecord(long seq, Level level, long nanosSinceBoot, String owner, String message) {

    public LogRecord {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(message, "message");
    }

    /** Seconds since boot with microseconds, as dmesg prints them: {@code "    0.123456"}. */
    public String timestamp() {
        long micros = nanosSinceBoot / 1_000;
        return String.format(Locale.ROOT, "%5d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    /** {@code "[    0.123456] owner: message"}, the way {@code dmesg} prints a line. */
    public String format() {
        return "[" + timestamp() + "] " + owner + ": " + message;
    }

    /** {@code "<6>[    0.123456] owner: message"}, as {@code dmesg -r} prints it. */
    public String formatRaw() {
        return "<" + level.number() + ">" + format();
    }
}
