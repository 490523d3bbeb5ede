package io.kmod4j.fuzz;

import io.kmod4j.tftp.DatagramTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * In-memory UDP for the TFTP engine: each transport plays a script of datagrams, from chosen
 * senders, to the engine in order, and keeps its own virtual clock, which the engine measures
 * every timeout with ({@link DatagramTransport#nanoTime()}). When the script is used up, a
 * receive lets the whole timeout pass at once and returns nothing, so retransmissions and
 * timeouts happen in microseconds and a run is deterministic: no sleeping, no real sockets.
 *
 * <p>A receive past {@link #MAX_RECEIVES} fails the run: an engine that keeps waiting when its
 * peer has nothing more to say would wait forever on a real network.
 */
final class ScriptedNetwork {

    /** Receives one transport may make before the engine is declared stuck. */
    static final int MAX_RECEIVES = 10_000;

    static final InetAddress HOST = InetAddress.getLoopbackAddress();

    /** One datagram of a script and who sent it. */
    record Datagram(InetSocketAddress from, byte[] bytes) {}

    private ScriptedNetwork() {}

    /** A transport that replays {@code script}; thread-safe, as the engine needs. */
    static final class Transport implements DatagramTransport {
        private final InetSocketAddress local;
        private final Deque<Datagram> script;
        private final List<byte[]> sent = new ArrayList<>();
        private long now;
        private int receives;
        private boolean closed;
        private volatile String stuck;

        /** A transport with a script of its own. */
        Transport(InetSocketAddress local, List<Datagram> script) {
            this(local, new ArrayDeque<>(script));
        }

        /**
         * A transport that takes its datagrams from {@code script}, which it shares with the
         * transports opened after it (for transfers that run one after the other).
         */
        Transport(InetSocketAddress local, Deque<Datagram> script) {
            this.local = local;
            this.script = script;
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public synchronized void send(ByteBuffer datagram, InetSocketAddress target) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            byte[] copy = new byte[datagram.remaining()];
            datagram.duplicate().get(copy);
            sent.add(copy);
        }

        @Override
        public InetSocketAddress receive(ByteBuffer buffer, Duration timeout) throws IOException {
            Datagram next;
            synchronized (this) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (++receives > MAX_RECEIVES) {
                    stuck = "more than " + MAX_RECEIVES + " receives on " + local;
                    throw new IOException(stuck);
                }
                next = script.poll();
                if (next == null) {
                    now += Math.max(1, timeout.toNanos()); // the whole wait passes, in no time
                    buffer.clear().limit(0);
                    return null;
                }
            }
            buffer.clear();
            buffer.put(next.bytes(), 0, Math.min(next.bytes().length, buffer.capacity()));
            buffer.flip();
            return next.from();
        }

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        synchronized boolean isClosed() {
            return closed;
        }

        synchronized List<byte[]> sent() {
            return List.copyOf(sent);
        }

        /** Why the engine was declared stuck, or null. */
        String stuck() {
            return stuck;
        }
    }
}
