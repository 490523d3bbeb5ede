package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.fuzz.ScriptedNetwork.Datagram;
import io.kmod4j.tftp.DatagramTransport;
import io.kmod4j.tftp.TftpErrorException;
import io.kmod4j.tftp.TftpHandler;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpServer;
import io.kmod4j.tftp.TransferRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The device side of TFTP: a real {@link TftpServer} (the emulated device's, and any module's)
 * fed fuzzed datagrams through {@link ScriptedNetwork}: requests on its well-known port, then
 * whatever a hostile client sends to each transfer's port.
 *
 * <p>Input: each record is one datagram; bit 7 of its byte 0 sends it to the request port (bit 0
 * then picks one of two clients), otherwise to the running transfer (bit 0 picks the client's
 * transfer port or another one); the rest is the datagram. The request port delivers its next
 * datagram only once every transfer started so far has ended, so a run is deterministic however
 * the threads are scheduled. The handler serves a file with and one without a known size, an
 * empty one, and accepts writes to {@code up.bin} up to 64 KiB.
 *
 * <p>Invariants: the server never lets an unchecked exception escape a transfer (it would log
 * one as a warning) or a thread; each write sink sees blocks 1, 2, ... in order and then exactly
 * one of {@code complete} and {@code abort}; everything sent is a well-formed TFTP datagram;
 * transfers end in bounded (virtual) time; {@code close()} returns and leaves no thread.
 */
class TftpServerFuzzTest {

    private static final InetAddress HOST = ScriptedNetwork.HOST;
    private static final InetSocketAddress SERVER = new InetSocketAddress(HOST, 69);
    private static final InetSocketAddress[] CLIENTS = {
        new InetSocketAddress(HOST, 50000), new InetSocketAddress(HOST, 50001)};
    private static final InetSocketAddress STRANGER = new InetSocketAddress(HOST, 50002);
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final byte[] FILE = pattern(1500);
    private static final byte[] STREAM = pattern(700);
    private static final int MAX_WRITE = 64 * 1024;

    /** Warnings the server logs with an exception: a transfer died of a bug. */
    private static final Queue<LogRecord> WARNINGS = new ConcurrentLinkedQueue<>();
    private static final Logger SERVER_LOG = Logger.getLogger(TftpServer.class.getName());

    static {
        SERVER_LOG.setUseParentHandlers(false);
        SERVER_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    WARNINGS.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    @FuzzTest
    void serve(byte[] input) throws Exception {
        WARNINGS.clear();
        Deque<Datagram> requests = new ArrayDeque<>();
        Deque<Datagram> transfer = new ConcurrentLinkedDeque<>();
        for (byte[] r : Frames.split(input)) {
            int sel = Frames.u8(r, 0);
            byte[] bytes = r.length == 0 ? r : java.util.Arrays.copyOfRange(r, 1, r.length);
            if ((sel & 0x80) != 0) {
                requests.add(new Datagram(CLIENTS[sel & 1], bytes));
            } else {
                transfer.add(new Datagram((sel & 1) == 0 ? CLIENTS[(sel >> 1) & 1] : STRANGER, bytes));
            }
        }
        Threads threads = new Threads();
        Served handler = new Served();
        List<ScriptedNetwork.Transport> transfers = new java.util.concurrent.CopyOnWriteArrayList<>();
        Listener listener = new Listener(requests, threads);
        TftpServer server = TftpServer.builder(handler)
                .threads(threads)
                .retransmitTimeout(Duration.ofSeconds(1))
                .maxRetries(2)
                .dally(Duration.ofSeconds(1))
                .maxTransfers(2)
                .transports(local -> {
                    if (local.getPort() == SERVER.getPort()) {
                        return listener;
                    }
                    ScriptedNetwork.Transport t = new ScriptedNetwork.Transport(
                            new InetSocketAddress(HOST, 60000 + transfers.size()), transfer);
                    transfers.add(t);
                    return t;
                })
                .bindAddress(SERVER)
                .start();
        boolean done;
        try {
            done = listener.awaitDone(BOUND);
        } finally {
            server.close();
        }
        assertThat(done).as("the server went through the script within " + BOUND).isTrue();
        assertThat(threads.failures).as("exceptions that escaped a server thread").isEmpty();
        assertThat(threads.running()).as("threads left after close()").isZero();
        assertThat(WARNINGS).as("transfers the server logged as failed by an exception")
                .noneMatch(r -> r.getThrown() instanceof RuntimeException || r.getThrown() instanceof Error);
        assertThat(handler.violations).as("write sink contract").isEmpty();
        for (Sink s : handler.sinks) {
            assertThat(s.completed + s.aborted).as("complete or abort, exactly once, for " + s).isEqualTo(1);
        }
        for (byte[] sent : listener.sent) {
            TftpClientFuzzTest.assertWellFormed(sent);
        }
        for (ScriptedNetwork.Transport t : transfers) {
            assertThat(t.stuck()).as("a transfer that never ends").isNull();
            assertThat(t.isClosed()).isTrue();
            t.sent().forEach(TftpClientFuzzTest::assertWellFormed);
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + 1);
        }
        return b;
    }

    /**
     * The request port: delivers each scripted datagram once every transfer started before it has
     * ended; when the script is used up it says so and blocks until closed, as a quiet socket does.
     */
    private static final class Listener implements DatagramTransport {
        private final Deque<Datagram> script;
        private final Threads threads;
        final List<byte[]> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

        Listener(Deque<Datagram> script, Threads threads) {
            this.script = script;
            this.threads = threads;
        }

        boolean awaitDone(Duration d) throws InterruptedException {
            return done.await(d.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public InetSocketAddress localAddress() {
            return SERVER;
        }

        @Override
        public void send(ByteBuffer datagram, InetSocketAddress target) throws IOException {
            if (closed.getCount() == 0) {
                throw new ClosedChannelException();
            }
            byte[] copy = new byte[datagram.remaining()];
            datagram.duplicate().get(copy);
            sent.add(copy);
        }

        @Override
        public InetSocketAddress receive(ByteBuffer buffer, Duration timeout) throws IOException {
            try {
                if (!threads.awaitTransfersEnded(BOUND)) {
                    throw new IOException("a transfer did not end within " + BOUND);
                }
                Datagram next;
                synchronized (script) {
                    next = script.poll();
                }
                if (next == null) {
                    done.countDown();
                    closed.await();
                    throw new ClosedChannelException();
                }
                buffer.clear();
                buffer.put(next.bytes(), 0, Math.min(next.bytes().length, buffer.capacity())).flip();
                return next.from();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    /**
     * The server's threads, counted: the first is the listener, the others transfers. Records
     * anything that escapes one.
     */
    private static final class Threads implements ThreadFactory {
        private final ThreadFactory virtual = Thread.ofVirtual().name("fuzz-tftp-", 0).factory();
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private int created;
        private int ended;

        @Override
        public synchronized Thread newThread(Runnable r) {
            created++;
            return virtual.newThread(() -> {
                try {
                    r.run();
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    synchronized (Threads.this) {
                        ended++;
                        Threads.this.notifyAll();
                    }
                }
            });
        }

        /** Waits until every thread but the listener has ended. */
        synchronized boolean awaitTransfersEnded(Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (created - 1 > ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        synchronized int running() {
            return created - ended;
        }
    }

    /** A write destination that checks the {@link TftpHandler.WriteSink} contract. */
    private static final class Sink implements TftpHandler.WriteSink {
        private final Queue<String> violations;
        private long expected = 1;
        private long bytes;
        int completed;
        int aborted;

        Sink(Queue<String> violations) {
            this.violations = violations;
        }

        @Override
        public synchronized void write(long block, ByteBuffer data) throws IOException {
            if (completed + aborted > 0) {
                violations.add("write after the end");
            }
            if (block != expected) {
                violations.add("block " + block + " where " + expected + " was due");
            }
            expected = block + 1;
            bytes += data.remaining();
            if (bytes > MAX_WRITE) {
                throw new TftpErrorException(ErrorPacket.DISK_FULL, "no room");
            }
        }

        @Override
        public synchronized void complete(long totalBytes) {
            if (totalBytes != bytes) {
                violations.add("complete(" + totalBytes + ") after " + bytes + " bytes");
            }
            completed++;
        }

        @Override
        public synchronized void abort(IOException cause) {
            aborted++;
        }

        @Override
        public synchronized String toString() {
            return "sink(" + bytes + " bytes, completed " + completed + ", aborted " + aborted + ")";
        }
    }

    private static final class Served implements TftpHandler {
        final Queue<String> violations = new ConcurrentLinkedQueue<>();
        final Queue<Sink> sinks = new ConcurrentLinkedQueue<>();

        @Override
        public ReadSource openRead(TransferRequest request) throws IOException {
            return switch (request.filename()) {
                case "fw.bin" -> new ReadSource(new ByteArrayInputStream(FILE), OptionalLong.of(FILE.length));
                case "stream.bin" -> new ReadSource(new ByteArrayInputStream(STREAM), OptionalLong.empty());
                case "empty.bin" -> new ReadSource(new ByteArrayInputStream(new byte[0]), OptionalLong.of(0));
                default -> TftpHandler.super.openRead(request);
            };
        }

        @Override
        public WriteSink openWrite(TransferRequest request) throws IOException {
            if (!request.filename().equals("up.bin")) {
                return TftpHandler.super.openWrite(request);
            }
            if (request.transferSize().orElse(0) > MAX_WRITE) {
                throw new TftpErrorException(ErrorPacket.DISK_FULL, "too large");
            }
            Sink s = new Sink(violations);
            sinks.add(s);
            return s;
        }
    }
}
