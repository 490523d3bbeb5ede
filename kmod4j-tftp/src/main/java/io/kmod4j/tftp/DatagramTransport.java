package io.kmod4j.tftp;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One UDP endpoint as the TFTP engine sees it: send a datagram, wait a bounded time for one, close.
 * One transport is one TFTP transfer identifier (TID, RFC 1350): its local port.
 *
 * <p>{@link UdpTransport} is the real one. Tests and the device simulator wrap it to drop,
 * duplicate, delay or corrupt datagrams deterministically; a wrapper that keeps virtual time can
 * also override {@link #nanoTime()}, since the engine measures every timeout with it.
 *
 * <p>Thread-safety: one thread receives; {@link #send} and {@link #close} may be called from any
 * thread at any time (a canceller sends an ERROR and closes while the owner is blocked in
 * {@link #receive}).
 */
public interface DatagramTransport extends Closeable {

    /**
     * @return the bound local address and port (the TID)
     */
    InetSocketAddress localAddress();

    /**
     * Sends one datagram. Does not block beyond handing it to the network stack.
     *
     * @param datagram the bytes between position and limit; the position is not moved
     * @param target where to send it
     * @throws IOException if the transport is closed or the stack refuses
     */
    void send(ByteBuffer datagram, InetSocketAddress target) throws IOException;

    /**
     * Waits for one datagram.
     *
     * <p>Blocks until a datagram arrives (returns its sender; the buffer is cleared, filled and
     * flipped, so the datagram lies between position and limit; a datagram larger than the
     * buffer is cut to its capacity), or until {@code timeout} passes (returns null; a timeout of
     * zero or less polls once), or until the transport is closed from another thread or the
     * calling thread is interrupted (throws; on interrupt the transport is closed and the
     * thread's interrupt status is set).
     *
     * @param buffer receives the datagram; a heap buffer
     * @param timeout how long to wait at most
     * @return the sender, or null if the timeout passed
     * @throws IOException if the transport was closed, the thread was interrupted, or the stack
     *     failed
     */
    InetSocketAddress receive(ByteBuffer buffer, Duration timeout) throws IOException;

    /**
     * The clock the engine measures timeouts with. Defaults to {@link System#nanoTime()}.
     *
     * @return a monotonic time in nanoseconds
     */
    default long nanoTime() {
        return System.nanoTime();
    }

    /**
     * Closes the endpoint and frees its port. Idempotent; a thread blocked in {@link #receive}
     * is woken with an exception.
     */
    @Override
    void close();

    /** Opens transports; injectable so that tests can interpose on every datagram. */
    @FunctionalInterface
    interface Factory {
        /**
         * Opens a transport bound to the given local address.
         *
         * @param local address and port to bind; port 0 picks an ephemeral port
         * @return the open transport; the caller closes it
         * @throws IOException if binding fails
         */
        DatagramTransport open(InetSocketAddress local) throws IOException;
    }
}
