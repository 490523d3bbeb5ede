package io.kmod4j.workqueue;

import io.kmod4j.Taint;
import io.kmod4j.internal.Oops;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.log.Level;
import java.time.Duration;

/**
 * Runs a work function or timer callback on behalf of its owner: the one place that binds the
 * owner, swaps the context class loader and turns an escaping exception into an oops.
 */
final class Invoker {

    /** User code to run; both {@link WorkFn} and {@link TimerFn} fit. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private Invoker() {}

    /**
     * Runs {@code body} with {@code owner} bound in {@link Ownership#CURRENT} (plus whatever
     * {@code carrier} binds) and the owner's context class loader, then restores the thread's
     * loader and interrupt status. What the body throws is reported as an oops, never passed on;
     * only a failure of the machinery itself (the owner, or no memory, before the body starts)
     * reaches the caller, which must still end the execution's bookkeeping.
     *
     * @param carrier the bindings, {@link Ownership#CURRENT} included
     * @param what {@code "work 'name'"} or {@code "timer 'name'"}, for the oops header
     * @param context one more header line ({@code "Workqueue: events name"}), or null
     */
    static void run(Owner owner, ScopedValue.Carrier carrier, Body body, String what, String context) {
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        // The kworker's own interrupt status is not the function's business, nor is the
        // function's the kworker's: keep them apart.
        boolean kworkerInterrupted = Thread.interrupted();
        Throwable thrown = null;
        t.setContextClassLoader(owner.contextClassLoader());
        try {
            carrier.call(() -> {
                body.run();
                return null;
            });
        } catch (Throwable e) {
            thrown = e;
        } finally {
            t.setContextClassLoader(saved);
            Thread.interrupted();
            if (kworkerInterrupted) {
                t.interrupt();
            }
        }
        if (thrown != null) {
            try {
                oops(owner, thrown, what, context);
            } catch (Throwable reportFailed) {
                // The report itself failed (out of memory, or a broken owner's printk): the
                // caller's bookkeeping after us must still run, or cancelSync(), flush() and
                // rmmod would wait for this item for ever. The taint, if it was set, stays.
            }
        }
    }

    /** Linux would kill the kworker; we report the oops the way KThread does and keep serving. */
    private static void oops(Owner owner, Throwable thrown, String what, String context) {
        String trace = Oops.trace(thrown); // the exception's own code may throw: Oops copes
        owner.taint(Taint.DIE, "oops in " + what);
        owner.printk(Level.ALERT, "Oops: unhandled " + thrown.getClass().getName() + " in " + what + "\n"
                + "Comm: " + Thread.currentThread().getName() + " Owner: " + owner.name() + " Tainted: D\n"
                + (context != null ? context + "\n" : "")
                + "Call Trace:\n" + trace);
    }

    /**
     * {@code first}, with {@code next} recorded as suppressed by it; {@code next} if there is no
     * first yet. For bookkeeping that must go on after a throw and pass it on at the end.
     */
    static Throwable firstOf(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (next != first) {
            try {
                first.addSuppressed(next);
            } catch (RuntimeException | Error ignored) {
                // No memory to record it: the first one still goes up.
            }
        }
        return first;
    }

    /** Throws {@code t}, which was caught as a RuntimeException or an Error. */
    static void rethrow(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        throw (RuntimeException) t;
    }

    /** {@code d} in nanoseconds, saturated; zero or less means now. */
    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** A readable default name for a function: its class, without the lambda's hidden suffix. */
    static String defaultName(Object fn) {
        String n = fn.getClass().getName();
        int lambda = n.indexOf("$$Lambda");
        return lambda >= 0 ? n.substring(0, lambda) + "::lambda" : n;
    }

    /** Checks a name given by a caller. */
    static String checkName(String name, String what) {
        if (name == null) {
            throw new NullPointerException(what + " name");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("a " + what + " needs a name");
        }
        return name;
    }
}
