package io.kmod4j.tftp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test transport over real UDP that drops or duplicates datagrams as a rule decides, and logs
 * every datagram it passes, so that tests of loss and duplication are deterministic.
 */
class FaultyTransport implements DatagramTransport {

    enum Dir { IN, OUT }

    enum Action { PASS, DROP, DUPLICATE }

    /** Decides the fate of the index-th datagram (0-based, per direction, per transport). */
    @FunctionalInterface
    interface Rule {
        Action decide(Dir dir, int index, TftpPacket packet);
    }

    /** One datagram that went through (dropped ones included). */
    record Event(Dir dir, TftpPacket packet, Action action) {
    }

    private final DatagramTransport inner;
    private final Rule rule;
    private final Queue<Event> log;
    private final AtomicInteger outCount = new AtomicInteger();
    private int inCount;
    private final Queue<Pending> duplicates = new ArrayDeque<>();

    private record Pending(byte[] bytes, InetSocketAddress from) {
    }

    FaultyTransport(DatagramTransport inner, Rule rule, Queue<Event> log) {
        this.inner = inner;
        this.rule = rule;
        this.log = log;
    }

    static DatagramTransport.Factory factory(Rule rule, Queue<Event> log) {
        return local -> new FaultyTransport(UdpTransport.open(local), rule, log);
    }

    static Queue<Event> newLog() {
        return new ConcurrentLinkedQueue<>();
    }

    private static TftpPacket decodeCopy(ByteBuffer datagram) {
        try {
            TftpPacket p = TftpPacket.decode(datagram);
            if (p instanceof TftpPacket.Data d) {
                return TftpPacket.Data.of(d.block(), d.bytes());
            }
            return p;
        } catch (MalformedPacketException e) {
            return null;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return inner.localAddress();
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress target) throws IOException {
        TftpPacket packet = decodeCopy(datagram);
        Action action = rule.decide(Dir.OUT, outCount.getAndIncrement(), packet);
        if (log != null) {
            log.add(new Event(Dir.OUT, packet, action));
        }
        switch (action) {
            case PASS -> inner.send(datagram, target);
            case DROP -> { }
            case DUPLICATE -> {
                inner.send(datagram, target);
                inner.send(datagram, target);
            }
        }
    }

    @Override
    public InetSocketAddress receive(ByteBuffer buffer, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Pending dup = duplicates.poll();
            if (dup != null) {
                buffer.clear();
                buffer.put(dup.bytes).flip();
                return dup.from;
            }
            long remaining = deadline - System.nanoTime();
            InetSocketAddress from = inner.receive(buffer, Duration.ofNanos(Math.max(0, remaining)));
            if (from == null) {
                return null;
            }
            TftpPacket packet = decodeCopy(buffer);
            Action action = rule.decide(Dir.IN, inCount++, packet);
            if (log != null) {
                log.add(new Event(Dir.IN, packet, action));
            }
            switch (action) {
                case PASS -> {
                    return from;
                }
                case DROP -> {
                    if (System.nanoTime() >= deadline) {
                        return null;
                    }
                }
                case DUPLICATE -> {
                    byte[] copy = new byte[buffer.remaining()];
                    buffer.duplicate().get(copy);
                    duplicates.add(new Pending(copy, from));
                    return from;
                }
            }
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
