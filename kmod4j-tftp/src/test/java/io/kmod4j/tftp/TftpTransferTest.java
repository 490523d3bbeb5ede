package io.kmod4j.tftp;

import static io.kmod4j.tftp.TestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kmod4j.tftp.FaultyTransport.Action;
import io.kmod4j.tftp.FaultyTransport.Dir;
import io.kmod4j.tftp.FaultyTransport.Event;
import io.kmod4j.tftp.TftpPacket.Ack;
import io.kmod4j.tftp.TftpPacket.Data;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TftpTransferTest {

    /*
     * Timeouts: the server waits long (it never retransmits in these tests unless a test wants
     * it), the client retransmits quickly, so that injected losses cost little time and the
     * number of retransmissions is decided by the injected faults, not by scheduling luck.
     */
    private static final Duration SHORT = Duration.ofMillis(150);
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(3);

    private final MemoryHandler handler = new MemoryHandler();
    private final List<Thread> serverThreads = new CopyOnWriteArrayList<>();
    private TftpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = serverBuilder(handler).start();
    }

    @AfterEach
    void stopServer() {
        server.close();
        assertThat(serverThreads).allMatch(t -> !t.isAlive());
    }

    private TftpServer.Builder serverBuilder(TftpHandler h) {
        return TftpServer.builder(h)
                .retransmitTimeout(SERVER_TIMEOUT)
                .dally(Duration.ZERO)
                .threads(r -> {
                    Thread t = Thread.ofVirtual().name("test-tftp-server").unstarted(r);
                    serverThreads.add(t);
                    return t;
                });
    }

    private static TftpClient client() {
        return TftpClient.builder().retransmitTimeout(SHORT).maxRetries(5).build();
    }

    private TransferResult upload(TftpClient c, String name, byte[] data, TransferOptions options) throws Exception {
        return c.upload(server.address(), name, new ByteArrayInputStream(data), data.length, options,
                ProgressListener.NONE);
    }

    private byte[] download(TftpClient c, String name, TransferOptions options) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.download(server.address(), name, out, options, ProgressListener.NONE);
        return out.toByteArray();
    }

    static Stream<Arguments> optionSets() {
        return Stream.of(
                Arguments.of("no options", TransferOptions.none(), 512, 1),
                Arguments.of("blksize 1468", TransferOptions.none().withBlockSize(1468), 1468, 1),
                Arguments.of("blksize 8", TransferOptions.none().withBlockSize(8), 8, 1),
                Arguments.of("blksize 65464", TransferOptions.none().withBlockSize(65464), 65464, 1),
                Arguments.of("timeout 2", TransferOptions.none().withTimeout(Duration.ofSeconds(2)), 512, 1),
                Arguments.of("tsize", TransferOptions.none().withTransferSize(true), 512, 1),
                Arguments.of("windowsize 4", TransferOptions.none().withWindowSize(4), 512, 4),
                Arguments.of("all", TransferOptions.recommended().withTimeout(Duration.ofSeconds(1)), 1468, 16));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optionSets")
    void uploadAndDownloadWithEachOption(String name, TransferOptions options, int blockSize, int windowSize)
            throws Exception {
        byte[] data = randomBytes(Math.min(200_000, blockSize * 1500) + 7, name.hashCode());
        List<TransferInfo> started = new CopyOnWriteArrayList<>();
        List<Long> progress = new CopyOnWriteArrayList<>();
        TransferResult up = client().upload(server.address(), "f", new ByteArrayInputStream(data), data.length,
                options, new ProgressListener() {
                    @Override
                    public void started(TransferInfo transfer) {
                        started.add(transfer);
                    }

                    @Override
                    public void progress(long bytes, OptionalLong total) {
                        assertThat(total).hasValue(data.length);
                        progress.add(bytes);
                    }
                });
        assertThat(handler.files.get("f")).isEqualTo(data);
        assertThat(up.bytes()).isEqualTo(data.length);
        assertThat(up.options().blockSize()).isEqualTo(blockSize);
        assertThat(up.options().windowSize()).isEqualTo(windowSize);
        assertThat(up.options().acknowledged()).isEqualTo(!options.isEmpty());
        assertThat(started).singleElement().satisfies(i -> {
            assertThat(i.upload()).isTrue();
            assertThat(i.options()).isEqualTo(up.options());
            assertThat(i.peer().getPort()).isNotEqualTo(server.address().getPort()); // a fresh TID
        });
        assertThat(progress).isSorted().last().isEqualTo((long) data.length);
        if (options.transferSize()) {
            assertThat(handler.requests.getLast().transferSize()).hasValue(data.length);
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransferResult down = client().download(server.address(), "f", out, options, ProgressListener.NONE);
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(down.options().blockSize()).isEqualTo(blockSize);
        assertThat(down.options().windowSize()).isEqualTo(windowSize);
        if (options.transferSize()) {
            assertThat(down.options().transferSize()).hasValue(data.length);
        }
        if (options.timeout().isPresent()) {
            assertThat(down.options().timeout()).isEqualTo(options.timeout().get());
        }
    }

    @Test
    void emptyFilesAndExactMultiplesOfTheBlockSizeEndWithAnEmptyBlock() throws Exception {
        for (int size : new int[] {0, 512, 1024, 8 * 16}) {
            byte[] data = randomBytes(size, size);
            for (TransferOptions o : List.of(TransferOptions.none(), TransferOptions.none().withBlockSize(8).withWindowSize(4))) {
                upload(client(), "m", data, o);
                assertThat(handler.files.get("m")).as("size %d, %s", size, o).isEqualTo(data);
                assertThat(download(client(), "m", o)).isEqualTo(data);
            }
        }
    }

    @Test
    void blockNumbersWrapPast65535BothWays() throws Exception {
        byte[] data = randomBytes(8 * 65536 + 8 * 300 + 3, 65536); // 65837 blocks of 8 bytes
        TransferOptions small = TransferOptions.none().withBlockSize(8).withWindowSize(16);
        java.util.concurrent.atomic.AtomicInteger zeroBlocks = new java.util.concurrent.atomic.AtomicInteger();
        TftpClient c = TftpClient.builder().retransmitTimeout(Duration.ofSeconds(1))
                .transports(FaultyTransport.factory((d, i, p) -> {
                    if (d == Dir.OUT && p instanceof Data data0 && data0.block() == 0) {
                        zeroBlocks.incrementAndGet();
                    }
                    return Action.PASS;
                }, null)).build();
        upload(c, "big", data, small);
        assertThat(handler.files.get("big")).isEqualTo(data);
        assertThat(zeroBlocks).as("block 65536 travels as block 0").hasValue(1);
        assertThat(download(TftpClient.builder().retransmitTimeout(Duration.ofSeconds(1)).build(), "big", small))
                .isEqualTo(data);
    }

    @Test
    void serverThatIgnoresOptionsGetsAPlainTransfer() throws Exception {
        MemoryHandler plain = new MemoryHandler();
        try (TftpServer old = serverBuilder(plain).optionNegotiation(false).start()) {
            byte[] data = randomBytes(5000, 1);
            TransferResult r = client().upload(old.address(), "x", new ByteArrayInputStream(data), data.length,
                    TransferOptions.recommended(), ProgressListener.NONE);
            assertThat(r.options()).isEqualTo(NegotiatedOptions.defaults(SHORT, OptionalLong.of(5000)));
            assertThat(plain.files.get("x")).isEqualTo(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransferResult d = client().download(old.address(), "x", out, TransferOptions.recommended(),
                    ProgressListener.NONE);
            assertThat(d.options().acknowledged()).isFalse();
            assertThat(d.options().blockSize()).isEqualTo(512);
            assertThat(out.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    void serverGrantsAtMostItsLimits() throws Exception {
        MemoryHandler h = new MemoryHandler();
        try (TftpServer limited = serverBuilder(h).maxBlockSize(1024).maxWindowSize(4).start()) {
            byte[] data = randomBytes(50_000, 2);
            TransferResult r = client().upload(limited.address(), "x", new ByteArrayInputStream(data), data.length,
                    TransferOptions.none().withBlockSize(8192).withWindowSize(64), ProgressListener.NONE);
            assertThat(r.options().blockSize()).isEqualTo(1024);
            assertThat(r.options().windowSize()).isEqualTo(4);
            assertThat(h.files.get("x")).isEqualTo(data);
        }
    }

    @Test
    void lostDataAndLostAcksAreRetransmittedOnTimeout() throws Exception {
        byte[] data = randomBytes(40 * 512 + 100, 3);
        Queue<Event> log = FaultyTransport.newLog();
        // Drop outgoing datagrams 3 and 10 (DATA) and incoming 5 (an ACK).
        TftpClient c = TftpClient.builder().retransmitTimeout(SHORT).transports(FaultyTransport.factory(
                (dir, i, p) -> (dir == Dir.OUT && (i == 3 || i == 10)) || (dir == Dir.IN && i == 5)
                        ? Action.DROP : Action.PASS, log)).build();
        upload(c, "lossy", data, TransferOptions.none());
        assertThat(handler.files.get("lossy")).isEqualTo(data);
        long dataSent = log.stream().filter(e -> e.dir() == Dir.OUT && e.packet() instanceof Data).count();
        // 41 blocks plus 3 retransmissions; one more is tolerated should a loaded machine delay an
        // ACK past the client's short timeout. Sorcerer's Apprentice would double the count.
        assertThat(dataSent).as("41 blocks plus 3 retransmissions").isBetween(41L + 3, 41L + 4);
    }

    @Test
    void lossesInsideAWindowAreRepairedBothWays() throws Exception {
        byte[] data = randomBytes(300 * 512 + 1, 4);
        TransferOptions window = TransferOptions.none().withWindowSize(8);
        TftpClient c = TftpClient.builder().retransmitTimeout(SHORT).transports(FaultyTransport.factory(
                (dir, i, p) -> dir == Dir.OUT && i % 37 == 5 ? Action.DROP : Action.PASS,
                FaultyTransport.newLog())).build();
        upload(c, "w", data, window);
        assertThat(handler.files.get("w")).isEqualTo(data);

        // Downloading, the server is the sender; a lost first block of a window is repaired by
        // the sender's timeout (duplicate ACKs never trigger a resend), so it needs a short one.
        try (TftpServer fast = serverBuilder(handler).retransmitTimeout(SHORT).start()) {
            TftpClient d = TftpClient.builder().retransmitTimeout(SHORT).maxRetries(10).transports(
                    FaultyTransport.factory((dir, i, p) -> dir == Dir.IN && i % 41 == 7 ? Action.DROP : Action.PASS,
                            FaultyTransport.newLog())).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            d.download(fast.address(), "w", out, window, ProgressListener.NONE);
            assertThat(out.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    void duplicateAcksNeverCauseRetransmission() throws Exception {
        byte[] data = randomBytes(100 * 512 + 17, 5);
        for (TransferOptions o : List.of(TransferOptions.none(), TransferOptions.none().withWindowSize(4))) {
            Queue<Event> log = FaultyTransport.newLog();
            TftpClient c = TftpClient.builder().retransmitTimeout(Duration.ofSeconds(5)).transports(
                    FaultyTransport.factory((dir, i, p) -> dir == Dir.IN ? Action.DUPLICATE : Action.PASS, log))
                    .build();
            upload(c, "dup", data, o);
            assertThat(handler.files.get("dup")).isEqualTo(data);
            long dataSent = log.stream().filter(e -> e.dir() == Dir.OUT && e.packet() instanceof Data).count();
            assertThat(dataSent).as("each of the 101 blocks exactly once with %s", o).isEqualTo(101);
        }
    }

    @Test
    void duplicatedDataIsStoredOnceAndReAcknowledged() throws Exception {
        byte[] data = randomBytes(64 * 512, 6);
        TftpClient c = TftpClient.builder().retransmitTimeout(SHORT).transports(FaultyTransport.factory(
                (dir, i, p) -> dir == Dir.OUT && p instanceof Data ? Action.DUPLICATE : Action.PASS,
                FaultyTransport.newLog())).build();
        upload(c, "twice", data, TransferOptions.none());
        assertThat(handler.files.get("twice")).isEqualTo(data);
        assertThat(handler.aborts).isEmpty();
    }

    @Test
    void serverErrorAbortsWithItsCodeAndMessage() throws Exception {
        TftpErrorException e = catchThrowableOfType(TftpErrorException.class,
                () -> download(client(), "missing", TransferOptions.recommended()));
        assertThat(e.errorCode()).isEqualTo(ErrorPacket.FILE_NOT_FOUND);
        assertThat(e.errorMessage()).isEqualTo("no such file: missing");

        MemoryHandler failing = new MemoryHandler() {
            @Override
            void beforeWrite(TransferRequest request, long block) throws IOException {
                if (block == 20) {
                    throw new TftpErrorException(ErrorPacket.DISK_FULL, "disk full at block 20");
                }
            }
        };
        try (TftpServer s = serverBuilder(failing).start()) {
            byte[] data = randomBytes(100 * 512, 7);
            TftpErrorException w = catchThrowableOfType(TftpErrorException.class, () -> client().upload(s.address(),
                    "y", new ByteArrayInputStream(data), data.length, TransferOptions.none(), ProgressListener.NONE));
            assertThat(w.errorCode()).isEqualTo(ErrorPacket.DISK_FULL);
            assertThat(w.errorMessage()).isEqualTo("disk full at block 20");
            TestSupport.await("sink aborted", Duration.ofSeconds(5), () -> !failing.aborts.isEmpty());
            assertThat(failing.aborts).singleElement().isInstanceOf(TftpErrorException.class);
            assertThat(failing.completed).isEmpty();
        }
    }

    @Test
    void handlerCanRefuseAnOversizeTransferSizeBeforeAnyBlock() throws Exception {
        MemoryHandler refusing = new MemoryHandler() {
            @Override
            public WriteSink openWrite(TransferRequest request) throws IOException {
                if (request.transferSize().orElse(0) > 1000) {
                    throw new TftpErrorException(ErrorPacket.DISK_FULL, "too big: " + request.transferSize().getAsLong());
                }
                return super.openWrite(request);
            }
        };
        try (TftpServer s = serverBuilder(refusing).start()) {
            Queue<Event> log = FaultyTransport.newLog();
            TftpClient c = TftpClient.builder().retransmitTimeout(SHORT)
                    .transports(FaultyTransport.factory((d, i, p) -> Action.PASS, log)).build();
            byte[] data = randomBytes(5000, 8);
            TftpErrorException e = catchThrowableOfType(TftpErrorException.class, () -> c.upload(s.address(), "z",
                    new ByteArrayInputStream(data), data.length, TransferOptions.none().withTransferSize(true),
                    ProgressListener.NONE));
            assertThat(e.errorCode()).isEqualTo(ErrorPacket.DISK_FULL);
            assertThat(e.errorMessage()).isEqualTo("too big: 5000");
            assertThat(log).noneMatch(ev -> ev.packet() instanceof Data);
        }
    }

    /** An input stream that never ends, for transfers that must be stopped from outside. */
    private static InputStream endless() {
        return new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
    }

    @Test
    void cancelFromAnotherThreadStopsAnUploadPromptly() throws Exception {
        TftpClient c = client();
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread uploader = Thread.ofPlatform().start(() -> {
            try {
                c.upload(server.address(), "endless", endless(), -1, TransferOptions.none().withWindowSize(4),
                        (bytes, total) -> {
                            if (bytes > 100_000) {
                                running.countDown();
                            }
                        });
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(c.cancel()).isTrue();
        uploader.join(Duration.ofSeconds(5));
        assertThat(uploader.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(TftpCancelledException.class).hasMessageContaining("cancelled");
        TestSupport.await("server told", Duration.ofSeconds(5), () -> !handler.aborts.isEmpty());
        assertThat(handler.aborts).singleElement().isInstanceOfSatisfying(TftpErrorException.class,
                e -> assertThat(e.errorMessage()).isEqualTo("transfer cancelled"));
        assertThat(c.cancel()).isFalse();
        assertThatThrownBy(() -> upload(c, "again", new byte[1], TransferOptions.none()))
                .isInstanceOf(TftpCancelledException.class);
    }

    @Test
    void cancelWakesATransferBlockedOnASilentPeer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        MemoryHandler slow = new MemoryHandler() {
            @Override
            void beforeWrite(TransferRequest request, long block) throws IOException {
                if (block == 3) {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (TftpServer s = serverBuilder(slow).start()) {
            TftpClient c = TftpClient.builder().retransmitTimeout(Duration.ofSeconds(30)).build();
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread uploader = Thread.ofPlatform().start(() -> {
                try {
                    c.upload(s.address(), "slow", new ByteArrayInputStream(new byte[10_000]), 10_000,
                            TransferOptions.none(), ProgressListener.NONE);
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            c.cancel();
            uploader.join(Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(outcome.get()).isInstanceOf(TftpCancelledException.class);
            release.countDown();
        }
    }

    @Test
    void interruptingTheCallerEndsTheTransferWithInterruptedException() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            CountDownLatch sent = new CountDownLatch(1);
            TftpClient c = TftpClient.builder().retransmitTimeout(Duration.ofSeconds(30)).build();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    c.upload((InetSocketAddress) silent.getLocalSocketAddress(), "f", new ByteArrayInputStream(new byte[1]),
                            1, TransferOptions.none(), ProgressListener.NONE);
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            silent.receive(new DatagramPacket(new byte[600], 600)); // the WRQ: the client now waits
            t.interrupt();
            t.join(Duration.ofSeconds(5));
            assertThat(t.isAlive()).isFalse();
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            sent.countDown();
        }
    }

    @Test
    void timeoutWhenTheServerNeverAnswers() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout(5000);
            TftpClient c = TftpClient.builder().retransmitTimeout(Duration.ofMillis(20)).maxRetries(2).build();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.upload((InetSocketAddress) silent.getLocalSocketAddress(), "f",
                    new ByteArrayInputStream(new byte[10]), 10, TransferOptions.recommended(), ProgressListener.NONE))
                    .isInstanceOf(TftpTimeoutException.class)
                    .hasMessageContaining("after 3 tries of 20 ms");
            // 60 ms of timeouts; the bound only tells "gave up" from "kept trying".
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(new byte[600], 600);
                silent.receive(p);
                assertThat(p.getData()[1]).as("WRQ number %d", i).isEqualTo((byte) Opcode.WRQ.code());
            }
        }
    }

    @Test
    void timeoutWhenTheServerStopsMidTransfer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MemoryHandler stuck = new MemoryHandler() {
            @Override
            void beforeWrite(TransferRequest request, long block) throws IOException {
                if (block == 5) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (TftpServer s = serverBuilder(stuck).start()) {
            TftpClient c = TftpClient.builder().retransmitTimeout(Duration.ofMillis(20)).maxRetries(3).build();
            assertThatThrownBy(() -> c.upload(s.address(), "f", new ByteArrayInputStream(new byte[5000]), 5000,
                    TransferOptions.none(), ProgressListener.NONE))
                    .isInstanceOf(TftpTimeoutException.class).hasMessageContaining("ACK of block 5");
            release.countDown();
        }
    }

    /**
     * A transfer leaves the server's table in its last {@code finally}, a few instructions before
     * its thread ends; {@code close()} promises to wait for every thread the server started, so it
     * must wait for that one too. The thread factory holds each transfer thread right there, after
     * the transfer's own code has returned, until the test lets it end.
     */
    @Test
    void closeWaitsForATransferThreadThatHasLeftTheTableButNotEnded() throws Exception {
        CountDownLatch deregistered = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        List<Thread> made = new CopyOnWriteArrayList<>();
        TftpServer s = TftpServer.builder(new MemoryHandler())
                .retransmitTimeout(SERVER_TIMEOUT)
                .dally(Duration.ZERO)
                .threads(r -> {
                    boolean listener = made.isEmpty(); // the server makes its listener first
                    Thread t = Thread.ofVirtual().name("held-tftp-server").unstarted(() -> {
                        r.run();
                        if (!listener) {
                            deregistered.countDown();
                            try {
                                hold.await(); // nothing interrupts it; if something did, it ends early
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
                    made.add(t);
                    return t;
                })
                .start();
        byte[] data = randomBytes(2000, 3);
        client().upload(s.address(), "held", new ByteArrayInputStream(data), data.length,
                TransferOptions.none(), ProgressListener.NONE);
        deregistered.await();

        Thread closer = Thread.ofVirtual().name("closer").start(s::close);
        Thread listener = made.getFirst();
        // Either close() returns, or it ends up parked in a join after its listener has ended:
        // then the only thread left to join is the held transfer thread.
        while (closer.isAlive() && (listener.isAlive() || closer.getState() != Thread.State.WAITING)) {
            Thread.onSpinWait();
        }
        boolean returnedFirst = !closer.isAlive();
        hold.countDown();
        closer.join();

        assertThat(returnedFirst).as("close() returned while a transfer thread had not ended").isFalse();
        assertThat(made).hasSize(2).allMatch(t -> !t.isAlive());
        assertThat(s.state()).isEqualTo(TftpServer.State.CLOSED);
    }

    @Test
    void packetsFromAWrongTidGetError5AndDoNotDisturbTheTransfer() throws Exception {
        byte[] data = randomBytes(30 * 512, 9);
        try (DatagramSocket rogue = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            rogue.setSoTimeout(5000);
            TransferResult r = client().upload(server.address(), "tid", new ByteArrayInputStream(data), data.length,
                    TransferOptions.none(), new ProgressListener() {
                        @Override
                        public void started(TransferInfo transfer) {
                            try {
                                // At the client: a stray ACK 1. At the server's TID: a stray DATA 1.
                                byte[] ack = new Ack(1).encode().array();
                                rogue.send(new DatagramPacket(ack, ack.length, loopback(transfer.local())));
                                byte[] dat = Data.of(1, new byte[] {6, 6, 6}).encode().array();
                                rogue.send(new DatagramPacket(dat, dat.length, transfer.peer()));
                            } catch (IOException e) {
                                throw new AssertionError(e);
                            }
                        }

                        @Override
                        public void progress(long bytes, OptionalLong total) {
                        }
                    });
            assertThat(r.bytes()).isEqualTo(data.length);
            assertThat(handler.files.get("tid")).isEqualTo(data);
            for (int i = 0; i < 2; i++) { // one ERROR 5 from the client, one from the server's TID
                assertThat(receive(rogue)).isInstanceOfSatisfying(ErrorPacket.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorPacket.UNKNOWN_TID));
            }
        }
    }

    private static InetSocketAddress loopback(InetSocketAddress local) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), local.getPort());
    }

    @Test
    void closingTheServerAbortsTransfersAndLeavesNoThread() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        MemoryHandler slow = new MemoryHandler() {
            @Override
            void beforeWrite(TransferRequest request, long block) {
                if (block == 2) {
                    blocked.countDown();
                }
            }
        };
        List<Thread> threads = new CopyOnWriteArrayList<>();
        TftpServer s = TftpServer.builder(slow).retransmitTimeout(SERVER_TIMEOUT).threads(r -> {
            Thread t = Thread.ofPlatform().daemon().unstarted(r);
            threads.add(t);
            return t;
        }).start();
        TftpClient c = client();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread uploader = Thread.ofPlatform().start(() -> {
            try {
                c.upload(s.address(), "endless", endless(), -1, TransferOptions.none(), ProgressListener.NONE);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        s.close();
        assertThat(s.state()).isEqualTo(TftpServer.State.CLOSED);
        assertThat(threads).hasSizeGreaterThanOrEqualTo(2).allMatch(t -> !t.isAlive());
        assertThat(s.activeTransfers()).isZero();
        uploader.join(Duration.ofSeconds(10));
        assertThat(outcome.get()).isInstanceOfSatisfying(TftpErrorException.class,
                e -> assertThat(e.errorMessage()).isEqualTo("server shutting down"));
        assertThat(slow.aborts).singleElement().isInstanceOf(TftpCancelledException.class);
        try (DatagramSocket probe = new DatagramSocket(s.address())) {
            assertThat(probe.getLocalPort()).as("the port was released").isEqualTo(s.address().getPort());
        }
    }

    /** Counts the client's sockets: each one opened must be closed by the time the call returns. */
    private static final class CountingTransports implements DatagramTransport.Factory {
        final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public DatagramTransport open(InetSocketAddress local) throws IOException {
            UdpTransport inner = UdpTransport.open(local);
            opened.incrementAndGet();
            open.incrementAndGet();
            return new FaultyTransport(inner, (d, i, p) -> Action.PASS, null) {
                private final java.util.concurrent.atomic.AtomicBoolean closed =
                        new java.util.concurrent.atomic.AtomicBoolean();

                @Override
                public void close() {
                    if (closed.compareAndSet(false, true)) {
                        open.decrementAndGet();
                    }
                    super.close();
                }
            };
        }
    }

    @Test
    void theClientReleasesItsSocketOnEveryWayOut() throws Exception {
        CountingTransports sockets = new CountingTransports();
        // Transfers that must succeed get a budget no pause of a loaded machine exhausts; only the
        // one meant to time out gets a short one.
        TftpClient.Builder b = TftpClient.builder().retransmitTimeout(Duration.ofSeconds(2)).maxRetries(1)
                .transports(sockets);
        TftpClient.Builder quick = TftpClient.builder().retransmitTimeout(Duration.ofMillis(50)).maxRetries(1)
                .transports(sockets);
        upload(b.build(), "ok", new byte[5000], TransferOptions.recommended()); // success
        assertThat(download(b.build(), "ok", TransferOptions.none())).hasSize(5000);
        assertThatThrownBy(() -> download(b.build(), "missing", TransferOptions.none()))
                .isInstanceOf(TftpErrorException.class); // peer error
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> quick.build().upload((InetSocketAddress) silent.getLocalSocketAddress(), "x",
                    new ByteArrayInputStream(new byte[1]), 1, TransferOptions.none(), ProgressListener.NONE))
                    .isInstanceOf(TftpTimeoutException.class); // timeout
        }
        assertThatThrownBy(() -> b.build().upload(server.address(), "short", new ByteArrayInputStream(new byte[1]), 2,
                TransferOptions.none(), ProgressListener.NONE)).hasMessageContaining("ended after"); // local I/O
        assertThatThrownBy(() -> b.build().upload(server.address(), "boom", new ByteArrayInputStream(new byte[9000]),
                9000, TransferOptions.none(), (bytes, total) -> {
                    throw new IllegalStateException("listener bug");
                })).hasMessage("listener bug"); // caller's bug
        TftpClient cancelled = b.build();
        cancelled.cancel();
        assertThatThrownBy(() -> upload(cancelled, "c", new byte[1], TransferOptions.none()))
                .isInstanceOf(TftpCancelledException.class);
        assertThat(sockets.opened).hasValue(6);
        assertThat(sockets.open).as("sockets still open").hasValue(0);
    }

    @Test
    void theClientStartsNoThread() throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.concurrent.atomic.AtomicInteger serverThreadsMade = new java.util.concurrent.atomic.AtomicInteger();
        try (TftpServer platform = TftpServer.builder(handler).dally(Duration.ZERO).threads(r -> {
            serverThreadsMade.incrementAndGet();
            return Thread.ofPlatform().daemon().unstarted(r);
        }).start()) {
            byte[] data = randomBytes(300_000, 11);
            TftpClient c = client();
            c.upload(platform.address(), "warm", new ByteArrayInputStream(data), data.length,
                    TransferOptions.recommended(), ProgressListener.NONE); // load classes first
            long before = mx.getTotalStartedThreadCount();
            int serverBefore = serverThreadsMade.get();
            TftpClient c2 = client();
            c2.upload(platform.address(), "f", new ByteArrayInputStream(data), data.length,
                    TransferOptions.recommended(), ProgressListener.NONE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c2.download(platform.address(), "f", out, TransferOptions.recommended(), ProgressListener.NONE);
            long started = mx.getTotalStartedThreadCount() - before;
            assertThat(out.toByteArray()).isEqualTo(data);
            assertThat(started).as("platform threads started, all of them the server's")
                    .isEqualTo(serverThreadsMade.get() - serverBefore);
        }
    }

    @Test
    void haltingTheServerLeavesClientsToTimeOut() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        MemoryHandler slow = new MemoryHandler() {
            @Override
            void beforeWrite(TransferRequest request, long block) {
                if (block == 2) {
                    blocked.countDown();
                }
            }
        };
        TftpServer s = serverBuilder(slow).start();
        // Long enough to reach block 2 through any pause; the halt then costs 1.5 s to notice.
        TftpClient c = TftpClient.builder().retransmitTimeout(Duration.ofMillis(500)).maxRetries(2).build();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread uploader = Thread.ofPlatform().start(() -> {
            try {
                c.upload(s.address(), "endless", endless(), -1, TransferOptions.none(), ProgressListener.NONE);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        s.halt();
        uploader.join(Duration.ofSeconds(10));
        assertThat(outcome.get()).isInstanceOf(TftpTimeoutException.class);
        assertThat(slow.aborts).singleElement().isInstanceOf(TftpCancelledException.class);
    }

    @Test
    void serverRefusesNetasciiBadOptionsAndStrayPackets() throws Exception {
        assertThat(exchange(new TftpPacket.Request(Opcode.RRQ, "f", TransferMode.NETASCII, Map.of())))
                .isEqualTo(new ErrorPacket(0, "netascii mode is not supported, use octet (binary) mode"));
        assertThat(exchange(new TftpPacket.Request(Opcode.WRQ, "f", TransferMode.OCTET, Map.of("blksize", "4"))))
                .isInstanceOfSatisfying(ErrorPacket.class, e -> assertThat(e.code()).isEqualTo(ErrorPacket.OPTION_REFUSED));
        assertThat(exchange(new TftpPacket.Request(Opcode.WRQ, "f", TransferMode.OCTET,
                Map.of("windowsize", "99999999999999999999")))).isInstanceOfSatisfying(ErrorPacket.class,
                e -> assertThat(e.code()).isEqualTo(ErrorPacket.OPTION_REFUSED));
        assertThat(exchange(new Ack(3))).isInstanceOfSatisfying(ErrorPacket.class,
                e -> assertThat(e.code()).isEqualTo(ErrorPacket.ILLEGAL_OPERATION));
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            raw.setSoTimeout(5000);
            byte[] mail = TftpPacketTest.bytes(0, 1, "f|mail|");
            raw.send(new DatagramPacket(mail, mail.length, server.address()));
            assertThat(receive(raw)).isInstanceOfSatisfying(ErrorPacket.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorPacket.ILLEGAL_OPERATION);
                assertThat(e.message()).contains("mode").contains("mail");
            });
        }
    }

    @Test
    void clientRefusesAnOackThatGrantsMoreThanAsked() throws Exception {
        try (DatagramSocket fake = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            fake.setSoTimeout(5000);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    client().upload((InetSocketAddress) fake.getLocalSocketAddress(), "f",
                            new ByteArrayInputStream(new byte[10]), 10, TransferOptions.none().withBlockSize(1024),
                            ProgressListener.NONE);
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            DatagramPacket wrq = new DatagramPacket(new byte[600], 600);
            fake.receive(wrq);
            byte[] oack = new TftpPacket.OptionAck(Map.of("blksize", "2048")).encode().array();
            fake.send(new DatagramPacket(oack, oack.length, wrq.getSocketAddress()));
            assertThat(receive(fake)).isInstanceOfSatisfying(ErrorPacket.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorPacket.OPTION_REFUSED));
            t.join(Duration.ofSeconds(5));
            assertThat(outcome.get()).isInstanceOf(TftpProtocolException.class).hasMessageContaining("blksize '2048'");
        }
    }

    @Test
    void clientRetriesWithoutOptionsWhenTheServerRefusesThem() throws Exception {
        try (DatagramSocket fake = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            fake.setSoTimeout(5000);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    outcome.set(client().upload((InetSocketAddress) fake.getLocalSocketAddress(), "f",
                            new ByteArrayInputStream(new byte[] {1, 2, 3}), 3, TransferOptions.recommended(),
                            ProgressListener.NONE));
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            DatagramPacket wrq = new DatagramPacket(new byte[600], 600);
            fake.receive(wrq);
            assertThat(((TftpPacket.Request) decode(wrq)).options()).containsKey("blksize");
            byte[] refuse = new ErrorPacket(ErrorPacket.OPTION_REFUSED, "no options").encode().array();
            fake.send(new DatagramPacket(refuse, refuse.length, wrq.getSocketAddress()));
            DatagramPacket again = new DatagramPacket(new byte[600], 600);
            fake.receive(again);
            assertThat(((TftpPacket.Request) decode(again)).options()).isEmpty();
            byte[] ack0 = new Ack(0).encode().array();
            fake.send(new DatagramPacket(ack0, ack0.length, again.getSocketAddress()));
            DatagramPacket data = new DatagramPacket(new byte[600], 600);
            fake.receive(data);
            assertThat(decode(data)).isEqualTo(Data.of(1, new byte[] {1, 2, 3}));
            byte[] ack1 = new Ack(1).encode().array();
            fake.send(new DatagramPacket(ack1, ack1.length, data.getSocketAddress()));
            t.join(Duration.ofSeconds(5));
            assertThat(outcome.get()).isInstanceOfSatisfying(TransferResult.class,
                    r -> assertThat(r.options().acknowledged()).isFalse());
        }
    }

    @Test
    void sourceShorterOrLongerThanAnnouncedFailsAndTellsTheServer() throws Exception {
        assertThatThrownBy(() -> client().upload(server.address(), "s", new ByteArrayInputStream(new byte[100]), 200,
                TransferOptions.none(), ProgressListener.NONE)).hasMessageContaining("ended after 100 bytes");
        assertThatThrownBy(() -> client().upload(server.address(), "l", new ByteArrayInputStream(new byte[300]), 200,
                TransferOptions.none(), ProgressListener.NONE)).hasMessageContaining("more than the 200 bytes");
        TestSupport.await("both aborted", Duration.ofSeconds(5), () -> handler.aborts.size() == 2);
        assertThat(handler.files).doesNotContainKeys("s", "l");
    }

    @Test
    void oneTransferAtATimePerClient() throws Exception {
        TftpClient c = client();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                c.upload(server.address(), "a", endless(), -1, TransferOptions.none(), (b, total) -> {
                    inside.countDown();
                    try {
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Exception ignored) {
                // cancelled below
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> upload(c, "b", new byte[1], TransferOptions.none()))
                .isInstanceOf(IllegalStateException.class);
        c.cancel();
        done.countDown();
        t.join(Duration.ofSeconds(5));
        assertThat(t.isAlive()).isFalse();
    }

    /** Sends one packet to the server from a fresh port and returns the answer. */
    private TftpPacket exchange(TftpPacket packet) throws IOException {
        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            raw.setSoTimeout(5000);
            byte[] b = packet.encode().array();
            raw.send(new DatagramPacket(b, b.length, server.address()));
            return receive(raw);
        }
    }

    private static TftpPacket receive(DatagramSocket raw) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[70000], 70000);
        raw.receive(p);
        return decode(p);
    }

    private static TftpPacket decode(DatagramPacket p) throws MalformedPacketException {
        byte[] copy = java.util.Arrays.copyOf(p.getData(), p.getLength());
        TftpPacket packet = TftpPacket.decode(java.nio.ByteBuffer.wrap(copy));
        return packet;
    }
}
