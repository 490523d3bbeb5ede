package io.kmod4j.tftp;

/**
 * The peer broke the protocol: a malformed packet from the transfer's own peer, a packet of a
 * type that has no place at this point, or an option acknowledgment that grants more than was
 * asked. Before throwing, the engine sends the peer an ERROR so that it stops too.
 */
public class TftpProtocolException extends TftpException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the peer did
     */
    public TftpProtocolException(String message) {
        super(message);
    }

    /**
     * @param message what the peer did
     * @param cause the decoding failure behind it
     */
    public TftpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
