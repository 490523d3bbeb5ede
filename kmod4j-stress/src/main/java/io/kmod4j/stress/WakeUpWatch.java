package io.kmod4j.stress;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The watchdog of the lost-wake-up tests. jcstress's termination mode can only fire its signal a
 * few hundred times a second, far too seldom to land in the few nanoseconds between a waiter's
 * last check and its sleep; so these tests run in continuous mode (millions of races), and the
 * thread that signals also watches: it waits up to {@link #PATIENCE_NANOS} for the waiter to say it
 * woke. If it did not, the wake-up was lost; the watcher then rescues the waiter (with whatever
 * the test passes, e.g. one more {@code complete()}, repeated until the waiter is awake) so that the
 * run goes on and reports the forbidden outcome instead of hanging.
 *
 * <p>A woken waiter on this machine is running again within microseconds; one second leaves room
 * for a heavily loaded machine without letting a lost wake-up pass.
 */
public final class WakeUpWatch {

    public static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private WakeUpWatch() {}

    /** @return 1 if {@code woke} never became true within the patience (a lost wake-up), else 0 */
    public static int lost(BooleanSupplier woke, Runnable rescue) {
        return lost(woke, rescue, PATIENCE_NANOS);
    }

    /**
     * As {@link #lost(BooleanSupplier, Runnable)} with a patience of the caller's choosing. The
     * canaries use a short one: each wake-up their bug loses costs the run the whole patience.
     */
    public static int lost(BooleanSupplier woke, Runnable rescue, long patienceNanos) {
        long deadline = System.nanoTime() + patienceNanos;
        for (int spins = 0; !woke.getAsBoolean(); spins++) {
            if (System.nanoTime() - deadline > 0) {
                rescueUntilAwake(woke, rescue);
                return 1;
            }
            if (spins < 10_000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000); // leave the core to the waiter on a 2-core machine
            }
        }
        return 0;
    }

    /**
     * Rescues until the waiter is awake, for at most ten seconds: one rescue may not be enough
     * (a token given to rescue one waiter can be taken by another queued ahead of it).
     */
    private static void rescueUntilAwake(BooleanSupplier woke, Runnable rescue) {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            rescue.run();
            LockSupport.parkNanos(1_000_000);
        } while (!woke.getAsBoolean() && System.nanoTime() - giveUp < 0);
    }
}
