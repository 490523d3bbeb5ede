package io.kmod4j.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Small helpers shared by the tests. */
final class TestSupport {
    private TestSupport() {
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Waits for a condition by polling; fails the test after the limit. Never a bare sleep. */
    static void await(String what, Duration limit, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                assertThat(condition.getAsBoolean()).as("timed out waiting for: " + what).isTrue();
                return;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
