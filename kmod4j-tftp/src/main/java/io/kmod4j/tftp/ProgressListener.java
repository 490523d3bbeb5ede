package io.kmod4j.tftp;

import java.util.OptionalLong;

/**
 * Told how a transfer goes. Called on the thread that runs the transfer, with no lock held, so it
 * may do anything but block for long (the peer is waiting). An exception thrown from it aborts the
 * transfer (the peer is sent an ERROR) and propagates to the caller of the transfer.
 */
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void progress(long bytesTransferred, OptionalLong totalBytes) {
        }
    };

    /**
     * Once, when the options are settled and before the first data block.
     *
     * @param transfer who talks to whom, and with which options
     */
    default void started(TransferInfo transfer) {
    }

    /**
     * After each acknowledged window (upload) or each acknowledged window received (download).
     * {@code bytesTransferred} never decreases.
     *
     * @param bytesTransferred bytes acknowledged so far
     * @param totalBytes the size if known (given to an upload, or announced by {@code tsize})
     */
    void progress(long bytesTransferred, OptionalLong totalBytes);
}
