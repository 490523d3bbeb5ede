package io.kmod4j.tftp;

import io.kmod4j.tftp.TftpHandler.ReadSource;
import io.kmod4j.tftp.TftpHandler.WriteSink;
import io.kmod4j.tftp.TftpPacket.Ack;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpPacket.OptionAck;
import io.kmod4j.tftp.TftpPacket.Request;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ThreadFactory;

/**
 * A TFTP server (RFC 1350) with option negotiation (RFC 2347, 2348, 2349, 7440), serving what a
 * {@link TftpHandler} provides.
 *
 * <p>Requests arrive on the bound port; each transfer then runs on its own ephemeral port (its
 * TID, RFC 1350) and its own thread, made by the configured {@link ThreadFactory} (virtual threads
 * by default). Negotiation: {@code blksize} is granted up to the configured maximum, {@code
 * windowsize} likewise and so that one window fits the configured memory, {@code timeout} 1..255 is
 * echoed and used, {@code tsize} is echoed for writes and answered with the size for reads. A
 * request that names no acceptable option is answered the RFC 1350 way (ACK 0, or DATA 1).
 * Requests in netascii mode are refused with ERROR 0: this server moves bytes unchanged. A repeated
 * request from a client whose transfer is running is dropped (the transfer repeats its own answer).
 *
 * <h2>Lifecycle</h2>
 * <pre>  RUNNING ──close()──▶ CLOSED</pre>
 * {@link Builder#start()} binds and starts; {@link #close()} stops accepting, aborts every running
 * transfer (each client gets ERROR 0 "server shutting down", each write sink an abort) and waits
 * for all the server's threads to end.
 *
 * <p>Thread-safety: all public methods may be called from any thread.
 */
public final class TftpServer implements AutoCloseable {

    /*
     * Overview
     *
     * One listener thread receives on the bound port, decodes, and hands each request to a new
     * transfer thread; the map of transfers (keyed by the client's TID) and the state live under
     * `lock`. Handler code always runs on a transfer thread with no lock held. close() flips the
     * state under the lock (so no transfer starts after it), closes the listening socket, aborts
     * each session outside the lock, then joins the threads.
     */

    /** The server's lifecycle; it only moves forward. */
    public enum State {
        /** Bound and serving requests. */
        RUNNING,
        /** Closed: no port bound, no thread left. */
        CLOSED
    }

    private static final System.Logger LOG = System.getLogger(TftpServer.class.getName());

    private final TftpHandler handler;
    private final DatagramTransport listener;
    private final Builder config;
    private final Object lock = new Object();
    private final Map<InetSocketAddress, Transfer> transfers = new HashMap<>();
    // Guarded by lock. Threads of transfers that have left `transfers` but may not have ended
    // yet: a transfer deregisters in its last finally, a few instructions before its thread ends,
    // and close() must still wait for it. Pruned of ended threads whenever a transfer starts.
    private final List<Thread> finishing = new ArrayList<>();
    private final Thread listenerThread;
    private volatile State state = State.RUNNING;

    /** One running transfer: its thread and, once open, its session. */
    private static final class Transfer {
        final Thread thread;
        volatile Session session;

        Transfer(Thread thread) {
            this.thread = thread;
        }
    }

    private TftpServer(Builder config, DatagramTransport listener) {
        this.config = config;
        this.handler = config.handler;
        this.listener = listener;
        this.listenerThread = config.threads.newThread(this::listen);
        if (listenerThread == null) {
            throw new IllegalStateException("thread factory returned null");
        }
    }

    /**
     * @param handler what to serve
     * @return a builder with defaults: loopback, ephemeral port, virtual threads, 1 s timeout,
     *     5 retries, block size up to 65464, window up to 65535 blocks and 4 MiB, 64 transfers
     */
    public static Builder builder(TftpHandler handler) {
        return new Builder(handler);
    }

    /**
     * @return the bound address and port where requests are received
     */
    public InetSocketAddress address() {
        return listener.localAddress();
    }

    /**
     * @return the current lifecycle state
     */
    public State state() {
        return state;
    }

    /**
     * @return the number of transfers running now
     */
    public int activeTransfers() {
        synchronized (lock) {
            return transfers.size();
        }
    }

    /**
     * Stops the server: no new request is accepted, running transfers are aborted, and the call
     * waits until every thread the server started has ended (including handler calls in
     * progress). Idempotent; a second call waits again for any thread still ending.
     *
     * <p>If called from one of the server's own threads (from a handler), that thread is not
     * waited for; it ends when the handler returns. Waiting is not interruptible; an interrupt
     * during it is kept in the thread's interrupt status.
     */
    @Override
    public void close() {
        stop(true);
    }

    /**
     * Stops the server like {@link #close()}, but without a word to the clients: no ERROR is sent,
     * they time out. This is how a device that loses power looks from the network. Same waiting
     * rules as {@code close()}.
     */
    public void halt() {
        stop(false);
    }

    private void stop(boolean tellClients) {
        List<Transfer> running;
        List<Thread> ending;
        synchronized (lock) {
            state = State.CLOSED;
            running = new ArrayList<>(transfers.values());
            ending = new ArrayList<>(finishing);
        }
        listener.close();
        for (Transfer t : running) {
            Session s = t.session;
            if (s != null) {
                s.abort("server shutting down", tellClients);
            }
        }
        joinQuietly(listenerThread);
        for (Transfer t : running) {
            joinQuietly(t.thread);
        }
        for (Thread t : ending) {
            joinQuietly(t);
        }
    }

    private static void joinQuietly(Thread thread) {
        if (thread == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Listener

    private void listen() {
        ByteBuffer buffer = ByteBuffer.allocate(TftpPacket.MAX_DATAGRAM + 1);
        while (state == State.RUNNING) {
            InetSocketAddress from;
            try {
                from = listener.receive(buffer, Duration.ofHours(1));
            } catch (IOException e) {
                if (state == State.RUNNING) {
                    LOG.log(Level.WARNING, "TFTP server on {0} stops listening: {1}", address(), e);
                }
                return;
            }
            if (from != null) {
                dispatch(buffer, from);
            }
        }
    }

    private void dispatch(ByteBuffer datagram, InetSocketAddress from) {
        TftpPacket packet;
        try {
            packet = TftpPacket.decode(datagram);
        } catch (MalformedPacketException e) {
            boolean isError = datagram.remaining() >= 2 && datagram.getShort(datagram.position()) == Opcode.ERROR.code();
            if (!isError) {
                reply(from, new ErrorPacket(ErrorPacket.ILLEGAL_OPERATION, Session.clip(e.getMessage())));
            }
            return;
        }
        if (!(packet instanceof Request request)) {
            if (!(packet instanceof ErrorPacket)) {
                reply(from, new ErrorPacket(ErrorPacket.ILLEGAL_OPERATION,
                        "expected a read or write request, not " + packet.opcode()));
            }
            return;
        }
        synchronized (lock) {
            if (state != State.RUNNING || transfers.containsKey(from)) {
                return; // closing, or a repeated request: the running transfer answers it
            }
            if (transfers.size() >= config.maxTransfers) {
                reply(from, new ErrorPacket(ErrorPacket.NOT_DEFINED, "server busy, try again later"));
                return;
            }
            Transfer[] self = new Transfer[1];
            Thread thread = config.threads.newThread(() -> serve(self[0], request, from));
            if (thread == null) {
                return;
            }
            self[0] = new Transfer(thread);
            transfers.put(from, self[0]);
            finishing.removeIf(t -> !t.isAlive());
            thread.start();
        }
    }

    private void reply(InetSocketAddress to, ErrorPacket error) {
        try {
            listener.send(error.encode(), to);
        } catch (IOException ignored) {
            // Best effort: the client will time out.
        }
    }

    // ---------------------------------------------------------------------------------------
    // One transfer

    private void serve(Transfer self, Request request, InetSocketAddress client) {
        InetAddress bindHost = listener.localAddress().getAddress();
        try (DatagramTransport transport = config.transports.open(new InetSocketAddress(bindHost, 0))) {
            Session session = new Session(transport, client.getAddress(), client, config.timeout, config.maxRetries);
            self.session = session;
            if (state != State.RUNNING) {
                session.abort("server shutting down", false);
            }
            if (request.mode() != TransferMode.OCTET) {
                session.sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED,
                        "netascii mode is not supported, use octet (binary) mode");
                return;
            }
            if (request.isWrite()) {
                serveWrite(session, request, client);
            } else {
                serveRead(session, request, client);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "TFTP {0} of {1} for {2} failed: {3}", request.opcode(), request.filename(),
                    client, e);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "TFTP " + request.opcode() + " of " + request.filename() + " for " + client
                    + " failed in the handler", e);
        } finally {
            synchronized (lock) {
                transfers.remove(client);
                finishing.add(self.thread); // still running until this method returns
            }
        }
    }

    /** The outcome of negotiating one request's options. */
    private record Negotiation(Map<String, String> accepted, NegotiatedOptions options) {
    }

    private Negotiation negotiate(Session session, Request request, OptionalLong readSize) throws IOException {
        Map<String, String> accepted = new LinkedHashMap<>();
        int blockSize = TftpPacket.DEFAULT_BLOCK_SIZE;
        int windowSize = 1;
        Duration timeout = config.timeout;
        OptionalLong tsize = OptionalLong.empty();
        Map<String, String> options = config.negotiate ? request.options() : Map.of();
        for (Map.Entry<String, String> e : options.entrySet()) {
            long value = OptionNames.parseDecimal(e.getValue());
            switch (e.getKey()) {
                case OptionNames.BLKSIZE -> {
                    if (value < TftpPacket.MIN_BLOCK_SIZE) {
                        throw refuse(session, "blksize '" + e.getValue() + "' is not a size of at least 8");
                    }
                    blockSize = (int) Math.min(value, config.maxBlockSize);
                }
                case OptionNames.WINDOWSIZE -> {
                    if (value < 1 || value > TransferOptions.MAX_WINDOW_SIZE) {
                        throw refuse(session, "windowsize '" + e.getValue() + "' is not in 1..65535");
                    }
                    windowSize = (int) Math.min(value, config.maxWindowSize);
                }
                case OptionNames.TIMEOUT -> {
                    if (value >= 1 && value <= 255) { // RFC 2349: otherwise ignore the option
                        timeout = Duration.ofSeconds(value);
                        accepted.put(OptionNames.TIMEOUT, Long.toString(value));
                    }
                }
                case OptionNames.TSIZE -> {
                    if (value < 0) {
                        throw refuse(session, "tsize '" + e.getValue() + "' is not a size");
                    }
                    if (request.isWrite()) {
                        tsize = OptionalLong.of(value);
                        accepted.put(OptionNames.TSIZE, Long.toString(value));
                    } else if (readSize.isPresent()) {
                        tsize = readSize;
                        accepted.put(OptionNames.TSIZE, Long.toString(readSize.getAsLong()));
                    }
                }
                default -> {
                    // RFC 2347: options the server does not know are left out of the OACK.
                }
            }
        }
        if (options.containsKey(OptionNames.BLKSIZE)) {
            accepted.put(OptionNames.BLKSIZE, Integer.toString(blockSize));
        }
        if (options.containsKey(OptionNames.WINDOWSIZE)) {
            while (windowSize > 1 && (long) windowSize * blockSize > config.maxWindowBytes) {
                windowSize = (int) Math.max(1, config.maxWindowBytes / blockSize);
            }
            accepted.put(OptionNames.WINDOWSIZE, Integer.toString(windowSize));
        }
        session.timeout(timeout);
        return new Negotiation(accepted, new NegotiatedOptions(blockSize, windowSize, timeout, tsize,
                !accepted.isEmpty()));
    }

    private static TftpErrorException refuse(Session session, String why) {
        session.sendErrorToPeerQuietly(ErrorPacket.OPTION_REFUSED, why);
        return new TftpErrorException(ErrorPacket.OPTION_REFUSED, why);
    }

    private static TransferRequest view(Request request, InetSocketAddress client, OptionalLong tsize) {
        return new TransferRequest(request.isWrite(), request.filename(), request.mode(), client, tsize,
                request.options());
    }

    private <T> T callHandler(Session session, HandlerCall<T> call) throws IOException {
        try {
            return call.run();
        } catch (TftpErrorException e) {
            session.sendErrorToPeerQuietly(e.errorCode(), e.errorMessage());
            throw e;
        } catch (IOException e) {
            session.sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "server I/O error");
            throw e;
        } catch (RuntimeException e) {
            session.sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "internal server error");
            throw e;
        }
    }

    @FunctionalInterface
    private interface HandlerCall<T> {
        T run() throws IOException;
    }

    private void serveWrite(Session session, Request request, InetSocketAddress client) throws IOException {
        Negotiation n = negotiate(session, request, OptionalLong.empty());
        WriteSink sink = callHandler(session, () -> handler.openWrite(view(request, client,
                n.options().transferSize())));
        Objects.requireNonNull(sink, "handler returned a null WriteSink");
        try {
            ByteBuffer opening = n.accepted().isEmpty() ? new Ack(0).encode() : new OptionAck(n.accepted()).encode();
            session.sendRaw(opening);
            session.receiveStream((block, data) -> {
                try {
                    sink.write(block, data);
                } catch (RuntimeException e) {
                    throw new IOException("write sink failed", e);
                }
            }, n.options().blockSize(), n.options().windowSize(), opening, null, config.dally, total -> {
                try {
                    sink.complete(total);
                } catch (RuntimeException e) {
                    throw new IOException("write sink failed to complete", e);
                }
            }, bytes -> { });
        } catch (IOException e) {
            IOException cause = session.translate(e);
            sink.abort(cause);
            throw cause;
        } catch (RuntimeException | Error e) {
            sink.abort(new IOException("transfer failed", e));
            throw e;
        }
    }

    private void serveRead(Session session, Request request, InetSocketAddress client) throws IOException {
        ReadSource source = callHandler(session, () -> handler.openRead(view(request, client, OptionalLong.empty())));
        Objects.requireNonNull(source, "handler returned a null ReadSource");
        try (InputStream in = source.stream()) {
            Negotiation n = negotiate(session, request, source.size());
            if (!n.accepted().isEmpty()) {
                awaitAck0(session, new OptionAck(n.accepted()).encode());
            }
            long size = source.size().orElse(-1);
            session.sendStream(in, size, n.options().blockSize(), n.options().windowSize(), bytes -> { });
        }
    }

    /** Sends the OACK of a read until the client acknowledges it with ACK 0. */
    private void awaitAck0(Session session, ByteBuffer oack) throws IOException {
        for (int attempt = 0; attempt <= session.maxRetries(); attempt++) {
            session.sendRaw(oack);
            long deadline = session.deadline();
            while (true) {
                TftpPacket reply = session.await(deadline);
                if (reply == null) {
                    break;
                }
                if (reply instanceof Ack ack && ack.block() == 0) {
                    return;
                }
                throw session.unexpected(reply, "in answer to an OACK");
            }
        }
        throw session.timedOut("waiting for ACK 0 of the OACK");
    }

    /**
     * Configures and starts a {@link TftpServer}. Not thread-safe.
     */
    public static final class Builder {
        private final TftpHandler handler;
        private InetSocketAddress bindAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private ThreadFactory threads = Thread.ofVirtual().name("tftp-server-", 0).factory();
        private Duration timeout = Duration.ofSeconds(1);
        private Duration dally = Duration.ofSeconds(1);
        private int maxRetries = 5;
        private int maxBlockSize = TftpPacket.MAX_BLOCK_SIZE;
        private int maxWindowSize = TransferOptions.MAX_WINDOW_SIZE;
        private long maxWindowBytes = 4L << 20;
        private int maxTransfers = 64;
        private boolean negotiate = true;
        private DatagramTransport.Factory transports = UdpTransport::open;

        private Builder(TftpHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * @param address where to receive requests; port 0 for an ephemeral port
         * @return this builder
         */
        public Builder bindAddress(InetSocketAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * @param factory makes the listener thread and one thread per transfer
         * @return this builder
         */
        public Builder threads(ThreadFactory factory) {
            this.threads = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * @param timeout how long to wait before resending, unless a {@code timeout} option is
         *     negotiated; positive
         * @return this builder
         */
        public Builder retransmitTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param dally how long a finished write lingers to repeat its final ACK if the client
         *     resends the last block (RFC 1350); zero or positive
         * @return this builder
         */
        public Builder dally(Duration dally) {
            if (dally.isNegative()) {
                throw new IllegalArgumentException("dally " + dally);
            }
            this.dally = dally;
            return this;
        }

        /**
         * @param retries resends of one packet without progress before a transfer fails; 0 or more
         * @return this builder
         */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries " + retries);
            }
            this.maxRetries = retries;
            return this;
        }

        /**
         * @param bytes the largest block size granted, 8..65464
         * @return this builder
         */
        public Builder maxBlockSize(int bytes) {
            if (bytes < TftpPacket.MIN_BLOCK_SIZE || bytes > TftpPacket.MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException("block size " + bytes);
            }
            this.maxBlockSize = bytes;
            return this;
        }

        /**
         * @param blocks the largest window size granted, 1..65535
         * @return this builder
         */
        public Builder maxWindowSize(int blocks) {
            if (blocks < 1 || blocks > TransferOptions.MAX_WINDOW_SIZE) {
                throw new IllegalArgumentException("window size " + blocks);
            }
            this.maxWindowSize = blocks;
            return this;
        }

        /**
         * @param bytes the most memory one read transfer's window may hold; positive
         * @return this builder
         */
        public Builder maxWindowBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("bytes " + bytes);
            }
            this.maxWindowBytes = bytes;
            return this;
        }

        /**
         * @param count transfers served at once; more requests get ERROR 0 "server busy"
         * @return this builder
         */
        public Builder maxTransfers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("count " + count);
            }
            this.maxTransfers = count;
            return this;
        }

        /**
         * @param enabled false to ignore every option, as an RFC 1350-only server does (ACK 0 to a
         *     write, DATA 1 to a read); true by default
         * @return this builder
         */
        public Builder optionNegotiation(boolean enabled) {
            this.negotiate = enabled;
            return this;
        }

        /**
         * @param factory opens the listening socket and each transfer's socket
         * @return this builder
         */
        public Builder transports(DatagramTransport.Factory factory) {
            this.transports = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Binds the port and starts serving.
         *
         * @return the running server
         * @throws IOException if the port cannot be bound
         */
        public TftpServer start() throws IOException {
            DatagramTransport transport = transports.open(bindAddress);
            try {
                TftpServer server = new TftpServer(this, transport);
                server.listenerThread.start();
                return server;
            } catch (RuntimeException | Error e) {
                transport.close();
                throw e;
            }
        }
    }
}
