package io.kmod4j.tftp;

import java.io.IOException;

/**
 * A TFTP transfer failed for a reason the protocol can name. Subclasses say which:
 * {@link TftpErrorException} (the peer sent ERROR, or a handler refused), {@link
 * TftpTimeoutException}, {@link TftpCancelledException}, {@link TftpProtocolException} (the peer
 * broke the protocol) and {@link MalformedPacketException} (a datagram could not be decoded).
 *
 * <p>Plain {@link IOException}s that are not {@code TftpException}s are local failures: the
 * socket, or the stream that feeds or drains the transfer.
 */
public class TftpException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for people
     */
    public TftpException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, for people
     * @param cause the underlying failure, or null
     */
    public TftpException(String message, Throwable cause) {
        super(message, cause);
    }
}
