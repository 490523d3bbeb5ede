package io.kmod4j.tftp;

import io.kmod4j.tftp.TftpPacket.Ack;
import io.kmod4j.tftp.TftpPacket.Data;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpPacket.OptionAck;
import io.kmod4j.tftp.TftpPacket.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TFTP client (RFC 1350) with option negotiation (RFC 2347, 2348, 2349) and windows (RFC 7440):
 * uploads with a write request, downloads with a read request. It exists because the common Java
 * TFTP library negotiates no options, and a firmware push with 512-byte lock-step blocks is slow.
 *
 * <h2>Threads and resources</h2>
 * The client starts no thread and keeps no static mutable state: a transfer runs entirely on the
 * calling thread, which makes it safe inside a kernel thread of a loadable module. Each transfer
 * opens one UDP socket (its TID) and closes it on every way out. One transfer at a time per
 * client; {@link #cancel()} may be called from any thread.
 *
 * <h2>Negotiation</h2>
 * The request carries the options asked for in {@link TransferOptions}. An OACK may grant the
 * same or smaller values; anything else in it (a larger value, an option not asked for) is a
 * protocol error and the server is told with ERROR 8. A server that ignores options (plain ACK 0
 * to a write request, DATA 1 to a read request) gets an RFC 1350 transfer with 512-byte blocks.
 * A server that refuses the options with ERROR 8 is asked once more without options.
 *
 * <h2>Reliability</h2>
 * The last packet is resent after each {@linkplain Builder#retransmitTimeout timeout} (or the
 * negotiated {@code timeout}); after {@linkplain Builder#maxRetries retries} resends without
 * progress the transfer fails with {@link TftpTimeoutException}. Duplicate ACKs never trigger a
 * resend (no Sorcerer's Apprentice syndrome). Packets from any other address or port get ERROR 5
 * and are otherwise ignored. Block numbers roll over from 65535 to 0, so any size works.
 *
 * <p>Timeouts are {@link Duration}s and all waiting goes through the injected
 * {@link DatagramTransport.Factory}, so tests use short timeouts or a transport with its own clock.
 */
public final class TftpClient {

    /*
     * Overview
     *
     * upload/download: open a transport, register it as the active session (so cancel() can
     * reach it), negotiate, hand over to Session's windowed sender or receiver, close.
     * cancel() is sticky: a cancelled client refuses all later transfers, which closes the race
     * between a canceller and a transfer that is just starting.
     */

    private final Duration retransmitTimeout;
    private final int maxRetries;
    private final Duration dally;
    private final long maxWindowBytes;
    private final DatagramTransport.Factory transports;
    private final InetSocketAddress localAddress;
    private final AtomicReference<Session> active = new AtomicReference<>();
    private volatile boolean cancelled;

    private TftpClient(Builder b) {
        this.retransmitTimeout = b.retransmitTimeout;
        this.maxRetries = b.maxRetries;
        this.dally = b.dally;
        this.maxWindowBytes = b.maxWindowBytes;
        this.transports = b.transports;
        this.localAddress = b.localAddress;
    }

    /**
     * @return a client with the defaults of {@link Builder}
     */
    public static TftpClient create() {
        return builder().build();
    }

    /**
     * @return a builder with defaults: 1 s retransmission timeout, 5 retries, no dally, window up
     *     to 16 MiB, real UDP sockets on the wildcard address
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Uploads {@code size} bytes from {@code data} as {@code remoteName} (a write request).
     *
     * <p>May block for as long as the transfer takes. Returns when the server has acknowledged
     * the last block. Does not close {@code data}. Every way out closes the socket.
     *
     * @param server the server's address and request port (usually 69)
     * @param remoteName the file name to write on the server
     * @param data the bytes to send; read sequentially, exactly {@code size} bytes
     * @param size the number of bytes, sent as {@code tsize} if asked for; -1 if unknown
     * @param requested the options to ask for
     * @param listener told the negotiated options and the progress
     * @return bytes sent, negotiated options and elapsed time
     * @throws TftpErrorException if the server sent ERROR (its code and message are kept)
     * @throws TftpTimeoutException if the server stopped answering
     * @throws TftpCancelledException if {@link #cancel()} was called before or during the transfer
     * @throws TftpProtocolException if the server broke the protocol
     * @throws IOException if {@code data} failed or yielded more or fewer than {@code size} bytes,
     *     or the socket failed
     * @throws InterruptedException if the calling thread was interrupted (the socket is closed;
     *     the server is not told and will time out)
     * @throws IllegalStateException if another transfer of this client is running
     * @throws IllegalArgumentException if {@code size < -1}, or the requested window would hold
     *     more than the configured maximum window bytes
     */
    public TransferResult upload(InetSocketAddress server, String remoteName, InputStream data, long size,
                                 TransferOptions requested, ProgressListener listener)
            throws IOException, InterruptedException {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(listener, "listener");
        if (size < -1) {
            throw new IllegalArgumentException("size " + size + " (use -1 for unknown)");
        }
        OptionalLong total = size >= 0 ? OptionalLong.of(size) : OptionalLong.empty();
        return run(server, remoteName, requested, (session, start) -> {
            NegotiatedOptions options = negotiateWrite(session, server, remoteName, requested, total);
            listener.started(new TransferInfo(true, remoteName, session.transport().localAddress(), session.peer(),
                    options));
            long bytes = session.sendStream(data, size, options.blockSize(), options.windowSize(),
                    n -> listener.progress(n, total));
            return new TransferResult(bytes, options, Duration.ofNanos(System.nanoTime() - start));
        });
    }

    /**
     * Downloads {@code remoteName} into {@code sink} (a read request).
     *
     * <p>May block for as long as the transfer takes. Returns when the last block has been
     * written and acknowledged (after the configured dally, if any). Does not close {@code sink}.
     * On failure, {@code sink} may hold part of the file.
     *
     * @param server the server's address and request port
     * @param remoteName the file name to read
     * @param sink receives the bytes in order
     * @param requested the options to ask for ({@code tsize} asks the server for the size)
     * @param listener told the negotiated options and the progress
     * @return bytes received, negotiated options and elapsed time
     * @throws TftpErrorException if the server sent ERROR
     * @throws TftpTimeoutException if the server stopped sending
     * @throws TftpCancelledException if {@link #cancel()} was called before or during the transfer
     * @throws TftpProtocolException if the server broke the protocol
     * @throws IOException if {@code sink} or the socket failed
     * @throws InterruptedException if the calling thread was interrupted
     * @throws IllegalStateException if another transfer of this client is running
     */
    public TransferResult download(InetSocketAddress server, String remoteName, OutputStream sink,
                                   TransferOptions requested, ProgressListener listener)
            throws IOException, InterruptedException {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(listener, "listener");
        return run(server, remoteName, requested, (session, start) -> {
            Opening opening = negotiateRead(session, server, remoteName, requested);
            NegotiatedOptions options = opening.options();
            listener.started(new TransferInfo(false, remoteName, session.transport().localAddress(), session.peer(),
                    options));
            OptionalLong total = options.transferSize();
            WritableByteChannel out = Channels.newChannel(sink);
            long bytes = session.receiveStream((block, data) -> out.write(data.duplicate()),
                    options.blockSize(), options.windowSize(), opening.lastSent(), opening.first(), dally,
                    n -> { }, n -> listener.progress(n, total));
            return new TransferResult(bytes, options, Duration.ofNanos(System.nanoTime() - start));
        });
    }

    /**
     * Cancels the running transfer, and every later one: the peer is sent ERROR 0 "transfer
     * cancelled", the socket is closed, and the blocked {@code upload} or {@code download}
     * throws {@link TftpCancelledException} promptly. Linux's {@code fw_upload} {@code cancel} op
     * maps onto this. A cancelled client stays cancelled; make a new one for a new transfer.
     *
     * <p>May be called from any thread; does not block beyond sending one datagram.
     *
     * @return true if this call cancelled the client, false if it was already cancelled
     */
    public boolean cancel() {
        boolean first;
        synchronized (this) {
            first = !cancelled;
            cancelled = true;
        }
        Session s = active.get();
        if (s != null) {
            s.abort("transfer cancelled");
        }
        return first;
    }

    /**
     * @return true once {@link #cancel()} has been called
     */
    public boolean isCancelled() {
        return cancelled;
    }

    @FunctionalInterface
    private interface Body {
        TransferResult run(Session session, long startNanos) throws IOException;
    }

    /** The frame every transfer shares: checks, socket, registration for cancel(), translation. */
    private TransferResult run(InetSocketAddress server, String remoteName, TransferOptions requested, Body body)
            throws IOException, InterruptedException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(remoteName, "remoteName");
        Objects.requireNonNull(requested, "requested");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("unresolved server address " + server);
        }
        long windowBytes = (long) requested.blockSize().orElse(TftpPacket.DEFAULT_BLOCK_SIZE)
                * requested.windowSize().orElse(1);
        if (windowBytes > maxWindowBytes) {
            throw new IllegalArgumentException("a window of " + windowBytes + " bytes exceeds the client's "
                    + maxWindowBytes + " bytes");
        }
        if (cancelled) {
            throw new TftpCancelledException("transfer cancelled");
        }
        long start = System.nanoTime();
        try (DatagramTransport transport = transports.open(localAddress)) {
            Session session = new Session(transport, server.getAddress(), null, retransmitTimeout, maxRetries);
            if (!active.compareAndSet(null, session)) {
                throw new IllegalStateException("TftpClient already runs a transfer; one at a time");
            }
            try {
                if (cancelled) { // cancel() may have looked before this session was registered
                    session.abort("transfer cancelled");
                }
                return body.run(session, start);
            } catch (IOException e) {
                throw translate(session, e);
            } catch (RuntimeException | Error e) {
                // A listener or sink bug: tell the peer so that it does not wait for us.
                session.sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "transfer aborted");
                throw e;
            } finally {
                active.set(null);
            }
        }
    }

    /** A cancelled or interrupted transfer fails as such, whatever the socket said. */
    private static IOException translate(Session session, IOException e) throws InterruptedException {
        IOException t = session.translate(e);
        if (t == e && Thread.interrupted()) {
            InterruptedException ie = new InterruptedException("interrupted during a TFTP transfer");
            ie.initCause(e);
            throw ie;
        }
        return t;
    }

    private TftpPacket requestAndAwait(Session session, InetSocketAddress server, Request request)
            throws IOException {
        ByteBuffer datagram = request.encode();
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            session.checkAborted();
            session.transport().send(datagram, server);
            TftpPacket reply = session.await(session.deadline());
            if (reply != null) {
                return reply;
            }
        }
        throw new TftpTimeoutException("no answer from " + server + " to " + request.opcode() + " '"
                + request.filename() + "' after " + (maxRetries + 1) + " tries of "
                + session.timeout().toMillis() + " ms");
    }

    private NegotiatedOptions negotiateWrite(Session session, InetSocketAddress server, String remoteName,
                                             TransferOptions requested, OptionalLong tsize) throws IOException {
        Map<String, String> wire = requested.toWire(tsize);
        TftpPacket reply;
        try {
            reply = requestAndAwait(session, server, new Request(Opcode.WRQ, remoteName, TransferMode.OCTET, wire));
        } catch (TftpErrorException e) {
            if (e.errorCode() != ErrorPacket.OPTION_REFUSED || wire.isEmpty()) {
                throw e;
            }
            session.unlockPeer(); // RFC 2347: the server refused our options; ask without them
            wire = Map.of();
            reply = requestAndAwait(session, server, new Request(Opcode.WRQ, remoteName, TransferMode.OCTET, wire));
        }
        if (reply instanceof OptionAck oack) {
            return accept(session, oack, wire, tsize);
        }
        if (reply instanceof Ack ack && ack.block() == 0) {
            return NegotiatedOptions.defaults(retransmitTimeout, tsize);
        }
        throw session.unexpected(reply, "in answer to a write request");
    }

    /** How a download opened: its options, the packet to repeat, and a DATA 1 that came already. */
    private record Opening(NegotiatedOptions options, ByteBuffer lastSent, Data first) {
    }

    private Opening negotiateRead(Session session, InetSocketAddress server, String remoteName,
                                  TransferOptions requested) throws IOException {
        Map<String, String> wire = requested.toWire(OptionalLong.of(0));
        TftpPacket reply;
        try {
            reply = requestAndAwait(session, server, new Request(Opcode.RRQ, remoteName, TransferMode.OCTET, wire));
        } catch (TftpErrorException e) {
            if (e.errorCode() != ErrorPacket.OPTION_REFUSED || wire.isEmpty()) {
                throw e;
            }
            session.unlockPeer(); // RFC 2347: the server refused our options; ask without them
            wire = Map.of();
            reply = requestAndAwait(session, server, new Request(Opcode.RRQ, remoteName, TransferMode.OCTET, wire));
        }
        if (reply instanceof OptionAck oack) {
            NegotiatedOptions options = accept(session, oack, wire, OptionalLong.empty());
            ByteBuffer ack0 = new Ack(0).encode();
            session.sendRaw(ack0);
            return new Opening(options, ack0, null);
        }
        if (reply instanceof Data data && data.block() == 1) {
            return new Opening(NegotiatedOptions.defaults(retransmitTimeout, OptionalLong.empty()),
                    new Ack(0).encode(), data);
        }
        throw session.unexpected(reply, "in answer to a read request");
    }

    /** Checks an OACK against what was asked, and applies it. */
    private NegotiatedOptions accept(Session session, OptionAck oack, Map<String, String> asked, OptionalLong tsize)
            throws IOException {
        int blockSize = TftpPacket.DEFAULT_BLOCK_SIZE;
        int windowSize = 1;
        Duration timeout = retransmitTimeout;
        OptionalLong size = tsize;
        for (Map.Entry<String, String> e : oack.options().entrySet()) {
            String name = e.getKey();
            String askedValue = asked.get(name);
            if (askedValue == null) {
                throw refuse(session, "OACK grants option '" + name + "', which was not requested");
            }
            long value = OptionNames.parseDecimal(e.getValue());
            long limit = OptionNames.parseDecimal(askedValue);
            switch (name) {
                case OptionNames.BLKSIZE -> {
                    if (value < TftpPacket.MIN_BLOCK_SIZE || value > limit) {
                        throw refuse(session, "OACK blksize '" + e.getValue() + "' is not in 8.." + limit);
                    }
                    blockSize = (int) value;
                }
                case OptionNames.WINDOWSIZE -> {
                    if (value < 1 || value > limit) {
                        throw refuse(session, "OACK windowsize '" + e.getValue() + "' is not in 1.." + limit);
                    }
                    windowSize = (int) value;
                }
                case OptionNames.TIMEOUT -> {
                    if (value < 1 || value > limit) {
                        throw refuse(session, "OACK timeout '" + e.getValue() + "' is not in 1.." + limit);
                    }
                    timeout = Duration.ofSeconds(value);
                }
                case OptionNames.TSIZE -> {
                    if (value < 0) {
                        throw refuse(session, "OACK tsize '" + e.getValue() + "' is not a size");
                    }
                    size = OptionalLong.of(value);
                }
                default -> throw refuse(session, "OACK grants option '" + name + "', which was not requested");
            }
        }
        session.timeout(timeout);
        return new NegotiatedOptions(blockSize, windowSize, timeout, size, true);
    }

    private static TftpProtocolException refuse(Session session, String why) {
        session.sendErrorToPeerQuietly(ErrorPacket.OPTION_REFUSED, why);
        return new TftpProtocolException(why);
    }

    /**
     * Configures a {@link TftpClient}. Not thread-safe; each {@link #build()} makes an
     * independent client.
     */
    public static final class Builder {
        private Duration retransmitTimeout = Duration.ofSeconds(1);
        private int maxRetries = 5;
        private Duration dally = Duration.ZERO;
        private long maxWindowBytes = 16L << 20;
        private DatagramTransport.Factory transports = UdpTransport::open;
        private InetSocketAddress localAddress = new InetSocketAddress(0);

        private Builder() {
        }

        /**
         * How long to wait for an answer before resending, unless the {@code timeout} option is
         * negotiated.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder retransmitTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("retransmit timeout must be positive: " + timeout);
            }
            this.retransmitTimeout = timeout;
            return this;
        }

        /**
         * How many times to resend the same packet without progress before giving up.
         *
         * @param retries 0 or more
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
         * How long a download lingers after its final ACK, to repeat it if the server resends the
         * last block (RFC 1350's dally). Zero (the default) returns at once.
         *
         * @param dally zero or positive
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
         * The most memory an upload's window may hold (block size times window size).
         *
         * @param bytes positive
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
         * Where the datagrams go; replace to inject faults or a clock.
         *
         * @param factory opens one transport per transfer
         * @return this builder
         */
        public Builder transports(DatagramTransport.Factory factory) {
            this.transports = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * The local address to bind each transfer's socket to; port 0 (the default) for an
         * ephemeral port.
         *
         * @param local the address
         * @return this builder
         */
        public Builder localAddress(InetSocketAddress local) {
            this.localAddress = Objects.requireNonNull(local, "local");
            return this;
        }

        /**
         * @return a new client
         */
        public TftpClient build() {
            return new TftpClient(this);
        }
    }
}
