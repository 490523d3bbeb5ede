package io.kmod4j;

import io.kmod4j.internal.Ownership;
import io.kmod4j.log.Level;
import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.Locale;

/**
 * {@code printk}: writes a line to the kernel log at one of the eight levels
 * ({@code pr_emerg} ... {@code pr_debug}).
 *
 * <p>The line goes to the log of the current owner (the module whose code is running, else the
 * kernel) and is stamped with that owner's name, so {@code dmesg} shows
 * {@code [    0.123456] hello: Hello World}. The format is {@link String#format}'s, in the root
 * locale. A format that does not match its arguments never throws: the raw format and arguments
 * are logged instead, marked as such, so nothing is lost.
 *
 * <p>May be called from any thread, never blocks for long, and never calls module code.
 */
public final class Printk {

    private Printk() {}

    /** {@code pr_emerg}: the system is unusable. */
    public static void emerg(String fmt, Object... args) {
        log(Level.EMERG, fmt, args);
    }

    /** {@code pr_alert}: action must be taken immediately. */
    public static void alert(String fmt, Object... args) {
        log(Level.ALERT, fmt, args);
    }

    /** {@code pr_crit}: critical conditions. */
    public static void crit(String fmt, Object... args) {
        log(Level.CRIT, fmt, args);
    }

    /** {@code pr_err}: error conditions. */
    public static void err(String fmt, Object... args) {
        log(Level.ERR, fmt, args);
    }

    /** {@code pr_warn}: warning conditions. */
    public static void warn(String fmt, Object... args) {
        log(Level.WARNING, fmt, args);
    }

    /** {@code pr_notice}: normal but significant conditions. */
    public static void notice(String fmt, Object... args) {
        log(Level.NOTICE, fmt, args);
    }

    /** {@code pr_info}: informational messages. */
    public static void info(String fmt, Object... args) {
        log(Level.INFO, fmt, args);
    }

    /** {@code pr_debug}: debug-level messages. */
    public static void debug(String fmt, Object... args) {
        log(Level.DEBUG, fmt, args);
    }

    /** {@code printk(KERN_<level> ...)}: logs at a level chosen at run time. */
    public static void log(Level level, String fmt, Object... args) {
        Ownership.current().printk(level, format(fmt, args));
    }

    /** Formats like printk: {@code String.format} in the root locale, never throwing. */
    public static String format(String fmt, Object... args) {
        if (fmt == null) {
            return "(null)";
        }
        if (args == null || args.length == 0) {
            return fmt.indexOf('%') < 0 ? fmt : safeFormat(fmt, new Object[0]);
        }
        return safeFormat(fmt, args);
    }

    private static String safeFormat(String fmt, Object[] args) {
        try {
            return String.format(Locale.ROOT, fmt, args);
        } catch (IllegalFormatException e) {
            return fmt + " [bad format: " + e.getMessage() + "; args " + Arrays.deepToString(args) + "]";
        }
    }
}
