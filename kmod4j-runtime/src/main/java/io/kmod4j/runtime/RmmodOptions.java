package io.kmod4j.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@code rmmod}.
 *
 * @param force {@code rmmod -f}: unload although referenced, permanent, or still running after
 *     the deadline; taints the kernel 'R'
 * @param timeout how long to wait for the module's {@code exit()} and for what it still owns to stop
 *     (the hung-task deadline); {@code null} means the kernel's default
 * @param verification how the class loader's collection is proven
 */
public record RmmodOptions(boolean force, Duration timeout, Verification verification) {

    /** How {@code rmmod} proves the class loader is gone. */
    public enum Verification {
        /** Before {@code rmmod} returns: the report says COLLECTED or NOT_COLLECTED. */
        SYNC,
        /**
         * In the background, batched with other unloads so one garbage collection proves many; the
         * report says PENDING and the verdict reaches the log and {@code lsmod}'s list of unloaded
         * tainted modules.
         */
        ASYNC
    }

    public RmmodOptions {
        Objects.requireNonNull(verification, "verification");
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
    }

    /** No force, default deadline, synchronous verification. */
    public static RmmodOptions defaults() {
        return new RmmodOptions(false, null, Verification.SYNC);
    }

    public RmmodOptions withForce(boolean f) {
        return new RmmodOptions(f, timeout, verification);
    }

    public RmmodOptions withTimeout(Duration t) {
        return new RmmodOptions(force, t, verification);
    }

    public RmmodOptions withVerification(Verification v) {
        return new RmmodOptions(force, timeout, v);
    }
}
