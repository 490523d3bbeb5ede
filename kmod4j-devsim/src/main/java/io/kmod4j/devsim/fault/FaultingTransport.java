package io.kmod4j.devsim.fault;

import io.kmod4j.devsim.fault.FaultPlan.Action;
import io.kmod4j.devsim.fault.FaultPlan.DatagramRule;
import io.kmod4j.devsim.fault.FaultPlan.Direction;
import io.kmod4j.tftp.DatagramTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * A transport that drops, duplicates and delays datagrams as a {@link FaultPlan} says. Starts no
 * thread: delayed datagrams wait in a queue and go out (or are delivered) from the owner's own
 * {@link #send} and {@link #receive} calls once their time has come. Package-private.
 */
final class FaultingTransport implements DatagramTransport {

    private record Held(long dueNanos, byte[] bytes, InetSocketAddress address) {
    }

    private final DatagramTransport inner;
    private final List<DatagramRule> rules;
    private final int holdAckBlock;
    private final Duration holdAckDelay;
    private final Random random;
    private final List<Held> outgoing = new ArrayList<>();
    private final Deque<Held> incoming = new ArrayDeque<>();
    private long outIndex;
    private long inIndex;
    private boolean ackHeld;

    FaultingTransport(DatagramTransport inner, List<DatagramRule> rules, int holdAckBlock, Duration holdAckDelay,
                      Random random) {
        this.inner = inner;
        this.rules = rules;
        this.holdAckBlock = holdAckBlock;
        this.holdAckDelay = holdAckDelay;
        this.random = random;
    }

    private DatagramRule match(Direction d, long index) {
        for (DatagramRule r : rules) {
            if (r.direction() == d && (r.index() == index || (r.index() < 0 && random.nextDouble() < r.probability()))) {
                return r;
            }
        }
        return null;
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public InetSocketAddress localAddress() {
        return inner.localAddress();
    }

    @Override
    public synchronized void send(ByteBuffer datagram, InetSocketAddress target) throws IOException {
        flushDue();
        if (!ackHeld && holdAckBlock >= 0 && datagram.remaining() == 4 && datagram.get(datagram.position() + 1) == 4
                && datagram.getShort(datagram.position() + 2) == (short) holdAckBlock) {
            ackHeld = true;
            outgoing.add(new Held(nanoTime() + holdAckDelay.toNanos(), copy(datagram), target));
            return;
        }
        DatagramRule rule = match(Direction.OUT, outIndex++);
        if (rule == null) {
            inner.send(datagram, target);
            return;
        }
        switch (rule.action()) {
            case DROP -> { }
            case DUPLICATE -> {
                inner.send(datagram, target);
                inner.send(datagram, target);
            }
            case DELAY -> outgoing.add(new Held(nanoTime() + rule.delay().toNanos(), copy(datagram), target));
        }
    }

    private void flushDue() throws IOException {
        long now = nanoTime();
        for (int i = 0; i < outgoing.size(); ) {
            Held h = outgoing.get(i);
            if (h.dueNanos <= now) {
                outgoing.remove(i);
                inner.send(ByteBuffer.wrap(h.bytes), h.address);
            } else {
                i++;
            }
        }
    }

    private long nextDue() {
        long next = Long.MAX_VALUE;
        for (Held h : outgoing) {
            next = Math.min(next, h.dueNanos);
        }
        for (Held h : incoming) {
            next = Math.min(next, h.dueNanos);
        }
        return next;
    }

    @Override
    public InetSocketAddress receive(ByteBuffer buffer, Duration timeout) throws IOException {
        long deadline = nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            synchronized (this) {
                flushDue();
                Held ready = incoming.peekFirst();
                if (ready != null && ready.dueNanos <= nanoTime()) {
                    incoming.pollFirst();
                    buffer.clear();
                    buffer.put(ready.bytes).flip();
                    return ready.address;
                }
            }
            long now = nanoTime();
            long wait = Math.min(deadline, nextDueLocked()) - now;
            if (wait <= 0 && now >= deadline) {
                return null;
            }
            InetSocketAddress from = inner.receive(buffer, Duration.ofNanos(Math.max(1_000_000, wait)));
            if (from == null) {
                if (nanoTime() >= deadline && nextDueLocked() > nanoTime()) {
                    return null;
                }
                continue;
            }
            synchronized (this) {
                DatagramRule rule = match(Direction.IN, inIndex++);
                if (rule == null) {
                    return from;
                }
                switch (rule.action()) {
                    case DROP -> { }
                    case DUPLICATE -> {
                        incoming.addFirst(new Held(0, copy(buffer), from));
                        return from;
                    }
                    case DELAY -> incoming.addLast(new Held(nanoTime() + rule.delay().toNanos(), copy(buffer), from));
                }
            }
        }
    }

    private synchronized long nextDueLocked() {
        return nextDue();
    }

    @Override
    public void close() {
        inner.close();
    }
}
