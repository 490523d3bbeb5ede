package io.kmod4j.tftp;

/**
 * The transfer was stopped on purpose: {@link TftpClient#cancel()} was called, or the
 * {@link TftpServer} serving it was closed.
 */
public class TftpCancelledException extends TftpException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message who stopped the transfer
     */
    public TftpCancelledException(String message) {
        super(message);
    }
}
