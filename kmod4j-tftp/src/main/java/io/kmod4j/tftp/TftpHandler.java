package io.kmod4j.tftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a {@link TftpServer} serves: the service provider interface behind its requests.
 *
 * <p>Every method is called on the transfer's own thread, never while the server holds a lock,
 * and may block (the peer waits meanwhile; a long block costs retransmissions, not correctness).
 * Calls for different transfers run concurrently; calls for one transfer are sequential.
 *
 * <p>To refuse, throw {@link TftpErrorException}: its code and message go to the client as an
 * ERROR packet. Any other {@link IOException} is sent as ERROR 0 with a generic message; a
 * runtime exception as ERROR 0 "internal server error" (and is logged).
 */
public interface TftpHandler {

    /**
     * A read request arrived. Return the data to send.
     *
     * @param request the request
     * @return the stream to send and, if known, its size (answered to {@code tsize})
     * @throws TftpErrorException to refuse; the default refuses with ERROR 1 "file not found"
     * @throws IOException if the data cannot be opened
     */
    default ReadSource openRead(TransferRequest request) throws IOException {
        throw new TftpErrorException(TftpPacket.ErrorPacket.FILE_NOT_FOUND, "file not found");
    }

    /**
     * A write request arrived. Return where the blocks go, or refuse before anything is written
     * (for example when {@link TransferRequest#transferSize()} is too large).
     *
     * @param request the request
     * @return the sink for this transfer
     * @throws TftpErrorException to refuse; the default refuses with ERROR 2 "access violation"
     * @throws IOException if the destination cannot be opened
     */
    default WriteSink openWrite(TransferRequest request) throws IOException {
        throw new TftpErrorException(TftpPacket.ErrorPacket.ACCESS_VIOLATION, "access violation: read-only");
    }

    /**
     * The data of a read. The server closes the stream when the transfer ends, however it ends.
     *
     * @param stream the bytes to send, read sequentially
     * @param size the number of bytes if known; answered to {@code tsize}. If present, the stream
     *     must yield exactly that many bytes.
     */
    record ReadSource(InputStream stream, OptionalLong size) {
        /** Checks that no component is null. */
        public ReadSource {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(size, "size");
        }
    }

    /**
     * The destination of one write transfer.
     *
     * <p>Outcome: exactly one of these happens after {@link #openWrite} returned it: {@link
     * #complete} returns normally (the client then gets the final ACK), or {@link #abort} is
     * called once. {@code abort} is also called when {@code write} or {@code complete} threw.
     */
    interface WriteSink {
        /**
         * The next block, in order, each exactly once.
         *
         * @param block the absolute block number, 1, 2, ... (not wrapped at 65535)
         * @param data the block's bytes between position and limit; read-only, valid only during
         *     the call
         * @throws TftpErrorException to stop the transfer with that ERROR
         * @throws IOException to stop the transfer with ERROR 0
         */
        void write(long block, ByteBuffer data) throws IOException;

        /**
         * The last block has arrived and been written. Runs <em>before</em> the final ACK is sent,
         * so that a check that fails here reaches the client as an ERROR instead of a success.
         *
         * @param totalBytes the number of bytes written
         * @throws TftpErrorException to answer the last block with that ERROR
         * @throws IOException to answer it with ERROR 0
         */
        void complete(long totalBytes) throws IOException;

        /**
         * The transfer failed and will not complete.
         *
         * @param cause a {@link TftpErrorException} if the client sent ERROR (or this sink threw
         *     one), {@link TftpTimeoutException} if the client stopped sending, {@link
         *     TftpCancelledException} if the server is closing, or another {@link IOException}
         */
        void abort(IOException cause);
    }
}
