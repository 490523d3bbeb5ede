package io.kmod4j.tftp;

/**
 * An ERROR packet (RFC 1350): either one the peer sent, which ended the transfer, or one a
 * {@link TftpHandler} throws to refuse a request or stop a transfer; the server then sends it.
 *
 * <p>{@link #errorCode()} and {@link #errorMessage()} are exactly what travels on the wire.
 */
public class TftpErrorException extends TftpException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final String errorMessage;

    /**
     * @param errorCode the TFTP error code, 0 to 65535 (see {@link TftpPacket.ErrorPacket})
     * @param errorMessage the message, may be empty, never null
     * @throws IllegalArgumentException if the code does not fit 16 bits
     */
    public TftpErrorException(int errorCode, String errorMessage) {
        super("TFTP error " + errorCode + ": " + errorMessage);
        if (errorCode < 0 || errorCode > 0xFFFF) {
            throw new IllegalArgumentException("TFTP error code " + errorCode + " does not fit 16 bits");
        }
        this.errorCode = errorCode;
        this.errorMessage = java.util.Objects.requireNonNull(errorMessage, "errorMessage");
    }

    /**
     * @return the TFTP error code as sent on the wire
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * @return the error message as sent on the wire
     */
    public String errorMessage() {
        return errorMessage;
    }

    /**
     * @return the ERROR packet that carries this error
     */
    public TftpPacket.ErrorPacket toPacket() {
        return new TftpPacket.ErrorPacket(errorCode, errorMessage);
    }
}
