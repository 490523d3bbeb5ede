package io.kmod4j.tftp;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a transfer runs with after negotiation: the values granted by an OACK, or the RFC 1350
 * defaults for each option the peer did not acknowledge.
 *
 * @param blockSize bytes per DATA block, 8 to 65464 (512 unless negotiated)
 * @param windowSize blocks in flight before an ACK, 1 to 65535 (1 unless negotiated)
 * @param timeout the retransmission timeout in use: the negotiated {@code timeout}, else the
 *     endpoint's configured default
 * @param transferSize the size announced with {@code tsize}, if any
 * @param acknowledged true if the peer answered with an OACK, false if it ignored all options
 */
public record NegotiatedOptions(int blockSize, int windowSize, Duration timeout, OptionalLong transferSize,
                                boolean acknowledged) {
    /**
     * @throws IllegalArgumentException if a value is out of its RFC range
     */
    public NegotiatedOptions {
        if (blockSize < TftpPacket.MIN_BLOCK_SIZE || blockSize > TftpPacket.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize " + blockSize);
        }
        if (windowSize < 1 || windowSize > TransferOptions.MAX_WINDOW_SIZE) {
            throw new IllegalArgumentException("windowSize " + windowSize);
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(transferSize, "transferSize");
    }

    /**
     * @param timeout the retransmission timeout to use
     * @param transferSize the size, if known
     * @return RFC 1350 defaults: 512-byte blocks, window of 1, not acknowledged
     */
    public static NegotiatedOptions defaults(Duration timeout, OptionalLong transferSize) {
        return new NegotiatedOptions(TftpPacket.DEFAULT_BLOCK_SIZE, 1, timeout, transferSize, false);
    }
}
