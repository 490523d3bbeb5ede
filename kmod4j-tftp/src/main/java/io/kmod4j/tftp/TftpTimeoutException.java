package io.kmod4j.tftp;

/**
 * The peer stopped answering: the last packet was sent the allowed number of times and nothing
 * valid came back within the retransmission timeout each time.
 */
public class TftpTimeoutException extends TftpException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was awaited, how often and how long
     */
    public TftpTimeoutException(String message) {
        super(message);
    }
}
