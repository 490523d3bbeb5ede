package io.kmod4j.tftp;

/**
 * A datagram is not a valid TFTP packet. Says which field is wrong and why, for example
 * {@code "malformed TFTP packet: field 'mode': 'mail' is obsolete (RFC 1350) and not supported"}.
 *
 * <p>Thrown by {@link TftpPacket#decode(java.nio.ByteBuffer)} for every input it refuses; decoding
 * never throws an unchecked exception for bad input and never allocates more than the datagram's
 * size.
 */
public class MalformedPacketException extends TftpException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field the packet field at fault, such as {@code "opcode"} or {@code "option 'blksize'"}
     * @param reason why the field is refused
     */
    public MalformedPacketException(String field, String reason) {
        super("malformed TFTP packet: field '" + field + "': " + reason);
        this.field = field;
        this.reason = reason;
    }

    /**
     * @return the name of the field at fault
     */
    public String field() {
        return field;
    }

    /**
     * @return why the field was refused
     */
    public String reason() {
        return reason;
    }
}
