package io.kmod4j.tftp;

import java.time.Duration;
import java.util.Objects;

/**
 * A finished transfer.
 *
 * @param bytes the number of data bytes moved and acknowledged
 * @param options what the transfer ran with
 * @param elapsed from sending the request to the final acknowledgment
 */
public record TransferResult(long bytes, NegotiatedOptions options, Duration elapsed) {
    /** Checks that no component is null and the byte count is not negative. */
    public TransferResult {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes " + bytes);
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /**
     * @return bytes per second, or 0 if no time was measured
     */
    public double bytesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }
}
