package io.kmod4j.tftp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The options a client asks for (RFC 2347): block size (RFC 2348), timeout and transfer size
 * (RFC 2349), window size (RFC 7440). Each is optional; asking for none gives a plain RFC 1350
 * transfer with 512-byte blocks and one block in flight.
 *
 * <p>A server may grant less than asked (a smaller block or window size) or ignore the options
 * altogether; {@link NegotiatedOptions} holds what was agreed. Immutable and thread-safe; the
 * {@code with...} methods return modified copies.
 *
 * @param blockSize the block size to ask for, 8 to 65464 bytes
 * @param timeout the retransmission timeout to ask for, whole seconds from 1 to 255
 * @param windowSize the number of blocks in flight to ask for, 1 to 65535
 * @param transferSize whether to send {@code tsize}: the upload's size in a WRQ, {@code 0} in a
 *     RRQ to ask the server for the file's size
 */
public record TransferOptions(OptionalInt blockSize, Optional<Duration> timeout, OptionalInt windowSize,
                              boolean transferSize) {

    /** The largest window size RFC 7440 allows. */
    public static final int MAX_WINDOW_SIZE = 65535;
    /** The smallest {@code timeout} option, RFC 2349. */
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    /** The largest {@code timeout} option, RFC 2349. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(255);

    /**
     * @throws IllegalArgumentException if a value is out of its RFC range, or the timeout is not a
     *     whole number of seconds
     */
    public TransferOptions {
        Objects.requireNonNull(blockSize, "blockSize");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(windowSize, "windowSize");
        blockSize.ifPresent(b -> {
            if (b < TftpPacket.MIN_BLOCK_SIZE || b > TftpPacket.MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException("blksize " + b + " is outside 8..65464 (RFC 2348)");
            }
        });
        timeout.ifPresent(t -> {
            if (t.toNanos() % 1_000_000_000L != 0 || t.compareTo(MIN_TIMEOUT) < 0 || t.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException(
                        "timeout " + t + " is not a whole number of seconds in 1..255 (RFC 2349)");
            }
        });
        windowSize.ifPresent(w -> {
            if (w < 1 || w > MAX_WINDOW_SIZE) {
                throw new IllegalArgumentException("windowsize " + w + " is outside 1..65535 (RFC 7440)");
            }
        });
    }

    /**
     * @return no options: a plain RFC 1350 transfer
     */
    public static TransferOptions none() {
        return new TransferOptions(OptionalInt.empty(), Optional.empty(), OptionalInt.empty(), false);
    }

    /**
     * @return blksize 1468 (fills a 1500-byte Ethernet frame), windowsize 16, and tsize
     */
    public static TransferOptions recommended() {
        return none().withBlockSize(1468).withWindowSize(16).withTransferSize(true);
    }

    /**
     * @param bytes block size to ask for, 8 to 65464
     * @return a copy asking for that block size
     * @throws IllegalArgumentException if out of range
     */
    public TransferOptions withBlockSize(int bytes) {
        return new TransferOptions(OptionalInt.of(bytes), timeout, windowSize, transferSize);
    }

    /**
     * @param seconds timeout to ask for, whole seconds 1 to 255
     * @return a copy asking for that timeout
     * @throws IllegalArgumentException if out of range or not whole seconds
     */
    public TransferOptions withTimeout(Duration seconds) {
        return new TransferOptions(blockSize, Optional.of(seconds), windowSize, transferSize);
    }

    /**
     * @param blocks window size to ask for, 1 to 65535
     * @return a copy asking for that window size
     * @throws IllegalArgumentException if out of range
     */
    public TransferOptions withWindowSize(int blocks) {
        return new TransferOptions(blockSize, timeout, OptionalInt.of(blocks), transferSize);
    }

    /**
     * @param send whether to send {@code tsize}
     * @return a copy that sends, or does not send, {@code tsize}
     */
    public TransferOptions withTransferSize(boolean send) {
        return new TransferOptions(blockSize, timeout, windowSize, send);
    }

    /**
     * @return true if no option would be sent
     */
    public boolean isEmpty() {
        return blockSize.isEmpty() && timeout.isEmpty() && windowSize.isEmpty() && !transferSize;
    }

    /** The options as sent in a request; {@code tsize} is the upload size, or 0 for a download. */
    Map<String, String> toWire(OptionalLong tsizeValue) {
        Map<String, String> m = new LinkedHashMap<>();
        blockSize.ifPresent(b -> m.put(OptionNames.BLKSIZE, Integer.toString(b)));
        timeout.ifPresent(t -> m.put(OptionNames.TIMEOUT, Long.toString(t.toSeconds())));
        if (transferSize && tsizeValue.isPresent()) {
            m.put(OptionNames.TSIZE, Long.toString(tsizeValue.getAsLong()));
        }
        windowSize.ifPresent(w -> m.put(OptionNames.WINDOWSIZE, Integer.toString(w)));
        return m;
    }
}
