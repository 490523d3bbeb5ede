package io.kmod4j.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits on a condition in tests, never on a guessed sleep: fails loudly if it never holds. */
public final class Await {
    /** Long enough never to fire on a healthy machine; only a bug waits this long. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Await() {}

    /** Returns as soon as {@code condition} holds; throws AssertionError after {@link #PATIENCE}. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition never held within " + PATIENCE + ": " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** Waits until {@code t} is blocked (WAITING or TIMED_WAITING). */
    public static void blocked(Thread t) {
        until(t.getName() + " blocked", () -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        });
    }
}
