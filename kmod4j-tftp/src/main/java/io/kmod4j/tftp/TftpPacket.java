package io.kmod4j.tftp;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * A TFTP packet: the wire format of RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR) and RFC 2347 (options
 * in requests, OACK), with a strict decoder and an encoder.
 *
 * <p>All packets are immutable values, safe to share between threads, except that a {@link Data}
 * produced by {@link #decode} shares the bytes of the datagram it was decoded from (see there).
 *
 * <h2>Decoding hostile input</h2>
 * {@link #decode} accepts exactly the packets the RFCs describe and refuses everything else with a
 * {@link MalformedPacketException} that names the field and the reason. It allocates at most the
 * size of the datagram. Strings (file names, modes, option names and values, error messages) must
 * be NUL-terminated, free of control characters and valid UTF-8. Option names are case-insensitive
 * (RFC 2347) and are returned in lower case; an option given twice is refused. Option
 * <em>values</em> are not interpreted here: see {@link TransferOptions} and {@link
 * NegotiatedOptions} for what each known option may hold.
 */
public sealed interface TftpPacket {

    /** The largest block size RFC 2348 allows: 65464 bytes, so a DATA packet fits an IPv4 datagram. */
    int MAX_BLOCK_SIZE = 65464;
    /** The smallest block size RFC 2348 allows. */
    int MIN_BLOCK_SIZE = 8;
    /** The block size when none is negotiated (RFC 1350). */
    int DEFAULT_BLOCK_SIZE = 512;
    /** The largest legal TFTP datagram: a DATA packet of {@link #MAX_BLOCK_SIZE}. */
    int MAX_DATAGRAM = MAX_BLOCK_SIZE + 4;

    /**
     * @return the packet type
     */
    Opcode opcode();

    /**
     * Writes this packet at the buffer's position and advances it.
     *
     * @param out the buffer; must have room for {@link #encodedLength()} bytes
     * @throws java.nio.BufferOverflowException if it has not
     */
    void encodeInto(ByteBuffer out);

    /**
     * @return the number of bytes {@link #encodeInto} writes
     */
    int encodedLength();

    /**
     * Encodes this packet into a new buffer.
     *
     * @return a heap buffer holding exactly the datagram, positioned at 0
     */
    default ByteBuffer encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        encodeInto(out);
        return out.flip();
    }

    /**
     * A read (RRQ) or write (WRQ) request, with RFC 2347 options.
     *
     * @param opcode {@link Opcode#RRQ} or {@link Opcode#WRQ}
     * @param filename the file asked for; not empty
     * @param mode the transfer mode
     * @param options option names (lower case) to values, in the order sent; may be empty
     */
    record Request(Opcode opcode, String filename, TransferMode mode, Map<String, String> options)
            implements TftpPacket {
        /**
         * @throws IllegalArgumentException if the opcode is not RRQ or WRQ, a string is empty where
         *     it must not be, holds a NUL or control character, or an option appears twice
         */
        public Request {
            Objects.requireNonNull(opcode, "opcode");
            Objects.requireNonNull(mode, "mode");
            if (opcode != Opcode.RRQ && opcode != Opcode.WRQ) {
                throw new IllegalArgumentException("a request is RRQ or WRQ, not " + opcode);
            }
            PacketCodec.checkString("filename", filename, false);
            options = PacketCodec.copyOptions(options);
        }

        /**
         * @return true for a write request
         */
        public boolean isWrite() {
            return opcode == Opcode.WRQ;
        }

        @Override
        public int encodedLength() {
            return 2 + PacketCodec.utf8Length(filename) + 1 + mode.wireName().length() + 1
                    + PacketCodec.optionsLength(options);
        }

        @Override
        public void encodeInto(ByteBuffer out) {
            out.putShort((short) opcode.code());
            PacketCodec.putString(out, filename);
            PacketCodec.putString(out, mode.wireName());
            PacketCodec.putOptions(out, options);
        }
    }

    /**
     * A DATA packet. The block number is the 16-bit number on the wire; it wraps from 65535 to 0.
     *
     * <p>The payload of a packet returned by {@link TftpPacket#decode} is a read-only view of the
     * decoded datagram: it changes if that buffer is reused. Copy it to keep it.
     *
     * @param block the block number, 0 to 65535
     * @param payload the data, 0 to {@link #MAX_BLOCK_SIZE} bytes between position and limit
     */
    record Data(int block, ByteBuffer payload) implements TftpPacket {
        /**
         * @throws IllegalArgumentException if the block number does not fit 16 bits or the payload
         *     is larger than {@link #MAX_BLOCK_SIZE}
         */
        public Data {
            PacketCodec.checkBlock(block);
            if (payload.remaining() > MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException(
                        "DATA payload of " + payload.remaining() + " bytes exceeds " + MAX_BLOCK_SIZE);
            }
            payload = payload.slice().asReadOnlyBuffer();
        }

        /**
         * @param block the block number, 0 to 65535
         * @param bytes the data, copied
         * @return a DATA packet
         */
        public static Data of(int block, byte[] bytes) {
            return new Data(block, ByteBuffer.wrap(bytes.clone()));
        }

        /**
         * @return a new read-only view of the payload (reading it does not disturb this packet)
         */
        @Override
        public ByteBuffer payload() {
            return payload.duplicate();
        }

        /**
         * @return the payload length in bytes
         */
        public int length() {
            return payload.remaining();
        }

        /**
         * @return a copy of the payload
         */
        public byte[] bytes() {
            byte[] copy = new byte[payload.remaining()];
            payload.duplicate().get(copy);
            return copy;
        }

        @Override
        public Opcode opcode() {
            return Opcode.DATA;
        }

        @Override
        public int encodedLength() {
            return 4 + payload.remaining();
        }

        @Override
        public void encodeInto(ByteBuffer out) {
            out.putShort((short) Opcode.DATA.code()).putShort((short) block).put(payload.duplicate());
        }

        /** Payloads compare by content. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && d.block == block && d.payload.equals(payload);
        }

        @Override
        public int hashCode() {
            return 31 * block + payload.hashCode();
        }

        @Override
        public String toString() {
            return "DATA(block=" + block + ", " + payload.remaining() + " bytes)";
        }
    }

    /**
     * An ACK of one block (RFC 1350). ACK 0 answers a WRQ when no options are negotiated, and
     * answers an OACK to a RRQ (RFC 2347).
     *
     * @param block the block number acknowledged, 0 to 65535
     */
    record Ack(int block) implements TftpPacket {
        /**
         * @throws IllegalArgumentException if the block number does not fit 16 bits
         */
        public Ack {
            PacketCodec.checkBlock(block);
        }

        @Override
        public Opcode opcode() {
            return Opcode.ACK;
        }

        @Override
        public int encodedLength() {
            return 4;
        }

        @Override
        public void encodeInto(ByteBuffer out) {
            out.putShort((short) Opcode.ACK.code()).putShort((short) block);
        }
    }

    /**
     * An ERROR packet; it ends the transfer. The codes of RFC 1350 and RFC 2347 are constants
     * here; others may appear on the wire and are kept as they are.
     *
     * @param code the error code, 0 to 65535
     * @param message the message, may be empty
     */
    record ErrorPacket(int code, String message) implements TftpPacket {
        /** Not defined, see the message. */
        public static final int NOT_DEFINED = 0;
        /** File not found. */
        public static final int FILE_NOT_FOUND = 1;
        /** Access violation. */
        public static final int ACCESS_VIOLATION = 2;
        /** Disk full or allocation exceeded. */
        public static final int DISK_FULL = 3;
        /** Illegal TFTP operation. */
        public static final int ILLEGAL_OPERATION = 4;
        /** Unknown transfer ID. */
        public static final int UNKNOWN_TID = 5;
        /** File already exists. */
        public static final int FILE_EXISTS = 6;
        /** No such user. */
        public static final int NO_SUCH_USER = 7;
        /** Option negotiation refused (RFC 2347). */
        public static final int OPTION_REFUSED = 8;

        /**
         * @throws IllegalArgumentException if the code does not fit 16 bits or the message holds a
         *     NUL or control character other than tab, CR and LF
         */
        public ErrorPacket {
            if (code < 0 || code > 0xFFFF) {
                throw new IllegalArgumentException("error code " + code + " does not fit 16 bits");
            }
            PacketCodec.checkString("message", message, true);
        }

        /**
         * @return this error as an exception, to throw
         */
        public TftpErrorException toException() {
            return new TftpErrorException(code, message);
        }

        @Override
        public Opcode opcode() {
            return Opcode.ERROR;
        }

        @Override
        public int encodedLength() {
            return 4 + PacketCodec.utf8Length(message) + 1;
        }

        @Override
        public void encodeInto(ByteBuffer out) {
            out.putShort((short) Opcode.ERROR.code()).putShort((short) code);
            PacketCodec.putString(out, message);
        }
    }

    /**
     * An option acknowledgment (RFC 2347): the options the server accepted, with its values.
     *
     * @param options option names (lower case) to values, in the order sent; at least one
     */
    record OptionAck(Map<String, String> options) implements TftpPacket {
        /**
         * @throws IllegalArgumentException if there are no options, or a name or value is empty or
         *     holds a NUL or control character
         */
        public OptionAck {
            options = PacketCodec.copyOptions(options);
            if (options.isEmpty()) {
                throw new IllegalArgumentException("an OACK carries at least one option");
            }
        }

        @Override
        public Opcode opcode() {
            return Opcode.OACK;
        }

        @Override
        public int encodedLength() {
            return 2 + PacketCodec.optionsLength(options);
        }

        @Override
        public void encodeInto(ByteBuffer out) {
            out.putShort((short) Opcode.OACK.code());
            PacketCodec.putOptions(out, options);
        }
    }

    /**
     * Decodes one datagram.
     *
     * <p>Reads the bytes between the buffer's position and limit; does not move the position. A
     * decoded {@link Data} shares the buffer's bytes.
     *
     * @param datagram the received datagram
     * @return the packet
     * @throws MalformedPacketException if the datagram is not a valid TFTP packet; the exception
     *     names the field and the reason. No other exception is thrown for any content.
     */
    static TftpPacket decode(ByteBuffer datagram) throws MalformedPacketException {
        return PacketCodec.decode(datagram.duplicate());
    }
}
