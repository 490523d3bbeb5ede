package io.kmod4j.tftp;

import io.kmod4j.tftp.TftpPacket.Ack;
import io.kmod4j.tftp.TftpPacket.Data;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpPacket.OptionAck;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * One transfer on one transport: the windowed sender and receiver of RFC 1350 and RFC 7440, shared
 * by {@link TftpClient} and {@link TftpServer}. Package-private.
 *
 * <p>Confined to the thread that runs the transfer, except {@link #abort}, which another thread
 * may call at any time.
 */
final class Session {

    /*
     * Overview
     *
     * Blocks are numbered absolutely (1, 2, ... as longs) inside the engine; only the low 16 bits
     * travel, so block 65536 goes out as 0 (the rollover tftp-hpa and curl use). A 16-bit number
     * that comes back is mapped to the absolute block nearest below the highest one in play.
     *
     * Sorcerer's Apprentice: the sender never retransmits because of a duplicate ACK; only a
     * timeout makes it resend. An ACK below the window's end (RFC 7440's signal of a lost block)
     * moves the window and resends from the block after it, which is progress, not a duplicate.
     * The price: when the first block of a window is lost, the receiver's "resume here" ACK
     * repeats the previous one, and the sender waits out its timeout before resending. A sender
     * that reacted to duplicate ACKs would recover sooner but would also resend whole windows
     * whenever the network duplicates an ACK; we choose the behaviour that can never amplify.
     *
     * Every wait has a deadline on the transport's clock; packets that do not count (wrong TID,
     * duplicates) do not extend it.
     */

    /** Marks the end of a receive: runs just before the final ACK goes out. */
    @FunctionalInterface
    interface BeforeFinalAck {
        void run(long totalBytes) throws IOException;
    }

    /** Where received blocks go, in order. */
    @FunctionalInterface
    interface BlockSink {
        void accept(long block, ByteBuffer data) throws IOException;
    }

    private final DatagramTransport transport;
    private final InetAddress peerHost;
    private final int maxRetries;
    private final ByteBuffer recv = ByteBuffer.allocate(TftpPacket.MAX_DATAGRAM + 1);
    private final ByteBuffer ackBuffer = ByteBuffer.allocate(4);
    private volatile InetSocketAddress peer;
    private volatile String abortReason;
    private boolean aborting; // guarded by this
    private Duration timeout;

    /**
     * @param peer the peer's TID if known (server side), else null: the first valid packet from
     *     {@code peerHost} fixes it (client side)
     */
    Session(DatagramTransport transport, InetAddress peerHost, InetSocketAddress peer, Duration timeout,
            int maxRetries) {
        this.transport = transport;
        this.peerHost = peerHost;
        this.peer = peer;
        this.timeout = timeout;
        this.maxRetries = maxRetries;
    }

    InetSocketAddress peer() {
        return peer;
    }

    DatagramTransport transport() {
        return transport;
    }

    void timeout(Duration timeout) {
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    /** Forgets the peer's TID, to send a fresh request to the server's well-known port. */
    void unlockPeer() {
        peer = null;
    }

    /**
     * Stops the transfer from another thread: tells the peer with an ERROR, then closes the
     * transport so that the owner's blocked receive fails at once. Idempotent.
     */
    void abort(String reason) {
        abort(reason, true);
    }

    /** As {@link #abort(String)}; with {@code tellPeer} false the peer is left to time out. */
    void abort(String reason, boolean tellPeer) {
        synchronized (this) {
            if (aborting) {
                return;
            }
            aborting = true;
        }
        // The ERROR goes out before the reason is published: once the owner sees the reason it
        // stops and closes the transport, and an ERROR sent after that would be lost.
        InetSocketAddress p = peer;
        if (p != null && tellPeer) {
            sendErrorQuietly(p, ErrorPacket.NOT_DEFINED, reason);
        }
        abortReason = reason;
        transport.close();
    }

    String abortReason() {
        return abortReason;
    }

    void checkAborted() throws TftpCancelledException {
        String reason = abortReason;
        if (reason != null) {
            throw new TftpCancelledException(reason);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Sending and waiting

    void send(TftpPacket packet, InetSocketAddress to) throws IOException {
        checkAborted();
        transport.send(packet.encode(), to);
    }

    void sendToPeer(TftpPacket packet) throws IOException {
        send(packet, peer);
    }

    void sendRaw(ByteBuffer datagram) throws IOException {
        checkAborted();
        transport.send(datagram, peer);
    }

    void sendErrorQuietly(InetSocketAddress to, int code, String message) {
        if (to == null) {
            return;
        }
        try {
            transport.send(new ErrorPacket(code, clip(message)).encode(), to);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: the transfer is ending anyway.
        }
    }

    void sendErrorToPeerQuietly(int code, String message) {
        sendErrorQuietly(peer, code, message);
    }

    long deadline() {
        return transport.nanoTime() + timeout.toNanos();
    }

    /**
     * Waits until the deadline for a packet from the peer.
     *
     * @return the packet, or null if the deadline passed
     * @throws TftpErrorException if the peer sent ERROR
     * @throws TftpProtocolException if the peer sent something that is not TFTP (after telling
     *     it with ERROR 4)
     */
    TftpPacket await(long deadline) throws IOException {
        while (true) {
            checkAborted();
            long remaining = deadline - transport.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            InetSocketAddress from = transport.receive(recv, Duration.ofNanos(remaining));
            checkAborted();
            if (from == null) {
                continue;
            }
            InetSocketAddress p = peer;
            boolean fromPeer = p == null ? from.getAddress().equals(peerHost) : from.equals(p);
            if (!fromPeer) {
                rejectStranger(from);
                continue;
            }
            TftpPacket packet;
            try {
                packet = TftpPacket.decode(recv);
            } catch (MalformedPacketException e) {
                peer = from;
                sendErrorQuietly(from, ErrorPacket.ILLEGAL_OPERATION, e.getMessage());
                throw new TftpProtocolException("peer " + from + " sent a malformed packet", e);
            }
            if (p == null) {
                peer = from;
            }
            if (packet instanceof ErrorPacket error) {
                throw error.toException();
            }
            return packet;
        }
    }

    /** RFC 1350: a packet from a wrong TID gets ERROR 5 and does not disturb the transfer. */
    private void rejectStranger(InetSocketAddress from) {
        boolean isError = recv.remaining() >= 2 && recv.getShort(recv.position()) == Opcode.ERROR.code();
        if (!isError) {
            sendErrorQuietly(from, ErrorPacket.UNKNOWN_TID, "Unknown transfer ID");
        }
    }

    TftpProtocolException unexpected(TftpPacket packet, String when) {
        String message = "unexpected " + packet.opcode() + " " + when;
        sendErrorToPeerQuietly(ErrorPacket.ILLEGAL_OPERATION, message);
        return new TftpProtocolException("peer " + peer + " sent " + packet + " " + when);
    }

    TftpTimeoutException timedOut(String what) {
        String message = "no answer after " + (maxRetries + 1) + " tries of " + timeout.toMillis() + " ms "
                + what;
        sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "timed out");
        return new TftpTimeoutException(message);
    }

    int maxRetries() {
        return maxRetries;
    }

    // ---------------------------------------------------------------------------------------
    // Windowed sender (RFC 1350 + RFC 7440)

    /**
     * Sends a whole stream as DATA blocks 1, 2, ... and returns when the last is acknowledged.
     *
     * @param size the exact number of bytes the stream must yield, or -1 if unknown
     * @param progress told the number of bytes acknowledged so far, after each advance
     * @return the number of bytes sent and acknowledged
     */
    long sendStream(InputStream source, long size, int blockSize, int windowSize, LongConsumer progress)
            throws IOException {
        byte[][] slots = new byte[windowSize][];
        int[] lengths = new int[windowSize];
        long lastAcked = 0;
        long nextToSend = 1;
        long highestRead = 0;
        long highestSent = 0;
        long finalBlock = -1;
        long bytesRead = 0;
        long bytesAcked = 0;
        int retries = 0;
        while (true) {
            while (nextToSend <= lastAcked + windowSize && (finalBlock < 0 || nextToSend <= finalBlock)) {
                int slot = (int) (nextToSend % windowSize);
                if (nextToSend > highestRead) {
                    if (slots[slot] == null) {
                        slots[slot] = new byte[4 + blockSize];
                    }
                    int n = readBlock(source, slots[slot], blockSize, size, bytesRead);
                    lengths[slot] = n;
                    bytesRead += n;
                    highestRead = nextToSend;
                    if (n < blockSize) {
                        finalBlock = nextToSend;
                    }
                }
                byte[] packet = slots[slot];
                packet[0] = 0;
                packet[1] = (byte) Opcode.DATA.code();
                packet[2] = (byte) (nextToSend >>> 8);
                packet[3] = (byte) nextToSend;
                sendRaw(ByteBuffer.wrap(packet, 0, 4 + lengths[slot]));
                highestSent = Math.max(highestSent, nextToSend);
                nextToSend++;
            }
            long deadline = deadline();
            while (true) {
                TftpPacket packet = await(deadline);
                if (packet == null) {
                    if (++retries > maxRetries) {
                        throw timedOut("waiting for ACK of block " + (lastAcked + 1));
                    }
                    nextToSend = lastAcked + 1;
                    break;
                }
                if (packet instanceof Ack ack) {
                    long acked = highestSent - ((highestSent - ack.block()) & 0xFFFF);
                    if (acked <= lastAcked) {
                        continue; // duplicate or stale: never resend because of it
                    }
                    for (long b = lastAcked + 1; b <= acked; b++) {
                        bytesAcked += lengths[(int) (b % windowSize)];
                    }
                    lastAcked = acked;
                    retries = 0;
                    progress.accept(bytesAcked);
                    if (lastAcked == finalBlock) {
                        return bytesAcked;
                    }
                    if (acked < nextToSend - 1) {
                        nextToSend = acked + 1; // RFC 7440: the receiver lost the block after this
                    }
                    break;
                }
                if (packet instanceof OptionAck && lastAcked == 0) {
                    continue; // the peer repeated its OACK: our first block is late or lost
                }
                throw unexpected(packet, "while sending data");
            }
        }
    }

    /** Reads one block's worth (or less at the end) into packet[4...]. */
    private int readBlock(InputStream source, byte[] packet, int blockSize, long size, long bytesRead)
            throws IOException {
        int want = blockSize;
        if (size >= 0) {
            want = (int) Math.min(blockSize, size - bytesRead);
        }
        int n = 0;
        while (n < want) {
            int r;
            try {
                r = source.read(packet, 4 + n, want - n);
            } catch (IOException e) {
                sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "sender could not read its data");
                throw e;
            }
            if (r < 0) {
                break;
            }
            n += r;
        }
        if (size >= 0) {
            if (n < want) {
                sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "sender's data ended early");
                throw new IOException("the data ended after " + (bytesRead + n) + " bytes, but its size was given as "
                        + size);
            }
            if (bytesRead + n == size && n < blockSize && source.read() >= 0) {
                sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "sender's data is longer than announced");
                throw new IOException("the data holds more than the " + size + " bytes its size was given as");
            }
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------
    // Windowed receiver (RFC 1350 + RFC 7440)

    /**
     * Receives DATA blocks 1, 2, ... until a short one, acknowledging every {@code windowSize}
     * blocks.
     *
     * @param lastSent the datagram to repeat when nothing arrives in time (the request, the OACK
     *     or ACK 0 that opened the transfer); replaced by each ACK sent
     * @param first a DATA packet that already arrived (the answer to a request), or null
     * @param dally how long to linger after the final ACK, re-acknowledging a repeated final block
     * @return the number of bytes received
     */
    long receiveStream(BlockSink sink, int blockSize, int windowSize, ByteBuffer lastSent, Data first,
                       Duration dally, BeforeFinalAck beforeFinalAck, LongConsumer progress) throws IOException {
        ByteBuffer repeat = lastSent;
        long expected = 1;
        long bytes = 0;
        int sinceAck = 0;
        int retries = 0;
        boolean gapReported = false;
        long deadline = deadline();
        TftpPacket packet = first;
        while (true) {
            if (packet == null) {
                packet = await(deadline);
            }
            if (packet == null) {
                if (++retries > maxRetries) {
                    throw timedOut("waiting for DATA block " + expected);
                }
                repeat = acknowledgeInOrder(expected, repeat); // RFC 7440: say where to resume
                sinceAck = 0;
                deadline = deadline();
                continue;
            }
            if (packet instanceof Data data) {
                int diff = (data.block() - (int) (expected & 0xFFFF)) & 0xFFFF;
                if (diff == 0) {
                    if (data.length() > blockSize) {
                        String message = "DATA block of " + data.length() + " bytes exceeds the block size "
                                + blockSize;
                        sendErrorToPeerQuietly(ErrorPacket.ILLEGAL_OPERATION, message);
                        throw new TftpProtocolException("peer " + peer + " sent a " + message);
                    }
                    deliver(sink, expected, data.payload());
                    bytes += data.length();
                    expected++;
                    sinceAck++;
                    retries = 0;
                    gapReported = false;
                    deadline = deadline();
                    if (data.length() < blockSize) {
                        finish(beforeFinalAck, bytes);
                        repeat = ack(expected - 1);
                        sendRaw(repeat);
                        progress.accept(bytes);
                        linger(expected - 1, dally);
                        return bytes;
                    }
                    if (sinceAck == windowSize) {
                        repeat = ack(expected - 1);
                        sendRaw(repeat);
                        sinceAck = 0;
                        progress.accept(bytes);
                    }
                } else if (diff < 0x8000) {
                    if (!gapReported) { // RFC 7440: a block is missing; say where to resume, once
                        repeat = acknowledgeInOrder(expected, repeat);
                        gapReported = true;
                        sinceAck = 0;
                    }
                } else {
                    // A block we have: the sender missed our ACK (RFC 1350) and resent; ACK again.
                    repeat = acknowledgeInOrder(expected, repeat);
                    sinceAck = 0;
                }
            } else if (packet instanceof OptionAck && expected == 1) {
                sendRaw(repeat); // the server repeated its OACK: our ACK 0 was lost
            } else {
                throw unexpected(packet, "while receiving data");
            }
            packet = null;
        }
    }

    /**
     * Acknowledges the last block received in order, or repeats the opening packet if none has
     * arrived yet; returns what was sent, to repeat next time.
     */
    private ByteBuffer acknowledgeInOrder(long expected, ByteBuffer opening) throws IOException {
        ByteBuffer packet = expected > 1 ? ack(expected - 1) : opening;
        sendRaw(packet);
        return packet;
    }

    /** A cancelled transfer fails as cancelled, whatever the closed socket said. */
    IOException translate(IOException e) {
        String reason = abortReason;
        if (reason != null && !(e instanceof TftpCancelledException)) {
            TftpCancelledException c = new TftpCancelledException(reason);
            c.addSuppressed(e);
            return c;
        }
        return e;
    }

    private void deliver(BlockSink sink, long block, ByteBuffer payload) throws IOException {
        try {
            sink.accept(block, payload);
        } catch (TftpErrorException e) {
            sendErrorToPeerQuietly(e.errorCode(), e.errorMessage());
            throw e;
        } catch (IOException e) {
            sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "receiver could not store block " + block);
            throw e;
        }
    }

    private void finish(BeforeFinalAck beforeFinalAck, long bytes) throws IOException {
        try {
            beforeFinalAck.run(bytes);
        } catch (TftpErrorException e) {
            sendErrorToPeerQuietly(e.errorCode(), e.errorMessage());
            throw e;
        } catch (IOException e) {
            sendErrorToPeerQuietly(ErrorPacket.NOT_DEFINED, "receiver could not complete the file");
            throw e;
        }
    }

    private ByteBuffer ack(long block) {
        byte[] a = ackBuffer.array();
        a[0] = 0;
        a[1] = (byte) Opcode.ACK.code();
        a[2] = (byte) (block >>> 8);
        a[3] = (byte) block;
        return ackBuffer.clear();
    }

    /** After the final ACK: repeat it if the final block comes again (our ACK was lost). */
    private void linger(long finalBlock, Duration dally) {
        if (dally.isZero() || dally.isNegative()) {
            return;
        }
        long end = transport.nanoTime() + dally.toNanos();
        try {
            while (true) {
                TftpPacket packet = await(end);
                if (packet == null) {
                    return;
                }
                if (packet instanceof Data data && data.block() == (int) (finalBlock & 0xFFFF)) {
                    sendRaw(ack(finalBlock));
                }
            }
        } catch (IOException e) {
            // The transfer is complete; whatever the peer does now cannot undo it.
        }
    }

    static String clip(String message) {
        String m = message == null ? "" : message.replaceAll("[\\x00-\\x1F\\x7F]", " ");
        return m.length() > 400 ? m.substring(0, 400) : m;
    }
}
