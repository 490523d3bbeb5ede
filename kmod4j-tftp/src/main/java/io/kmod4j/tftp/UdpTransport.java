package io.kmod4j.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

/**
 * A {@link DatagramTransport} over a real UDP socket.
 *
 * <p>Starts no thread. Built on a blocking {@link DatagramChannel} so that a receive is woken both
 * by {@link #close()} from another thread and by an interrupt of the receiving thread, and so
 * that it parks cheaply on a virtual thread. Receive buffers are enlarged so that a window of
 * large blocks is not dropped by the kernel.
 */
public final class UdpTransport implements DatagramTransport {

    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final DatagramChannel channel;
    private final DatagramSocket socket;
    private final InetSocketAddress local;

    private UdpTransport(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.socket = channel.socket();
        this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Opens a socket bound to {@code local}.
     *
     * @param local the address to bind; port 0 for an ephemeral port
     * @return the transport
     * @throws IOException if the socket cannot be opened or bound
     */
    public static UdpTransport open(InetSocketAddress local) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(local);
            return new UdpTransport(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress target) throws IOException {
        channel.send(datagram.duplicate(), target);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer buffer, Duration timeout) throws IOException {
        buffer.clear();
        long millis = Math.max(1, (timeout.toNanos() + 999_999) / 1_000_000);
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
        DatagramPacket packet = new DatagramPacket(buffer.array(), buffer.arrayOffset(), buffer.capacity());
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            buffer.limit(0);
            return null;
        }
        buffer.limit(packet.getLength());
        return (InetSocketAddress) packet.getSocketAddress();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a datagram channel releases the port even when close reports an error.
        }
    }

    @Override
    public String toString() {
        return "udp:" + local;
    }
}
