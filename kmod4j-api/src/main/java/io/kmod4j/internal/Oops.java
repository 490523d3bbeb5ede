package io.kmod4j.internal;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Prints what a module's code threw, for an oops report, without trusting it. <b>Not API.</b>
 *
 * <p>An exception's {@code toString()} and {@code getMessage()} are module code too: they may throw.
 * The kthread trampoline and the kworker print the exception in the middle of their own
 * bookkeeping, which must go on whatever the exception does; so they print it through here.
 */
public final class Oops {

    private Oops() {}

    /** {@code t.toString()}, or its class name when that throws. */
    public static String printable(Throwable t) {
        try {
            return t.toString();
        } catch (Throwable broken) {
            return t.getClass().getName() + " (its toString() threw " + broken.getClass().getName() + ")";
        }
    }

    /** {@code t}'s stack trace as {@code printStackTrace} prints it, or a line saying why it cannot be. */
    public static String trace(Throwable t) {
        try {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            return w.toString().stripTrailing();
        } catch (Throwable broken) {
            return printable(t) + "\n(its stack trace could not be printed: " + broken.getClass().getName() + ")";
        }
    }
}
