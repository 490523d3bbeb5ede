package io.kmod4j.tftp;

import java.util.Optional;

/**
 * The TFTP packet types: the five of RFC 1350 and the option acknowledgment of RFC 2347.
 *
 * <p>Immutable; safe to use from any thread.
 */
public enum Opcode {
    /** Read request, RFC 1350. */
    RRQ(1),
    /** Write request, RFC 1350. */
    WRQ(2),
    /** A block of data, RFC 1350. */
    DATA(3),
    /** Acknowledgment of a block, RFC 1350. */
    ACK(4),
    /** An error that ends the transfer, RFC 1350. */
    ERROR(5),
    /** Option acknowledgment, RFC 2347. */
    OACK(6);

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /**
     * The opcode as sent on the wire.
     *
     * @return the 16-bit opcode, 1 to 6
     */
    public int code() {
        return code;
    }

    /**
     * Looks up the opcode sent on the wire.
     *
     * @param code the 16-bit value read from a datagram
     * @return the opcode, or empty if {@code code} names no TFTP packet type
     */
    public static Optional<Opcode> of(int code) {
        return switch (code) {
            case 1 -> Optional.of(RRQ);
            case 2 -> Optional.of(WRQ);
            case 3 -> Optional.of(DATA);
            case 4 -> Optional.of(ACK);
            case 5 -> Optional.of(ERROR);
            case 6 -> Optional.of(OACK);
            default -> Optional.empty();
        };
    }
}
