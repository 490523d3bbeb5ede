package io.kmod4j.tftp;

import io.kmod4j.tftp.TftpPacket.Ack;
import io.kmod4j.tftp.TftpPacket.Data;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpPacket.OptionAck;
import io.kmod4j.tftp.TftpPacket.Request;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The byte-level work behind {@link TftpPacket}; not part of the API. */
final class PacketCodec {
    private PacketCodec() {
    }

    static void checkBlock(int block) {
        if (block < 0 || block > 0xFFFF) {
            throw new IllegalArgumentException("block number " + block + " does not fit 16 bits");
        }
    }

    static void checkString(String what, String s, boolean mayBeEmpty) {
        Objects.requireNonNull(s, what);
        if (!mayBeEmpty && s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) {
                throw new IllegalArgumentException(what + " holds control character 0x"
                        + Integer.toHexString(c) + " at index " + i);
            }
        }
    }

    static Map<String, String> copyOptions(Map<String, String> options) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            checkString("option name", e.getKey(), false);
            checkString("value of option '" + e.getKey() + "'", e.getValue(), false);
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (copy.putIfAbsent(name, e.getValue()) != null) {
                throw new IllegalArgumentException("option '" + name + "' given twice");
            }
        }
        return Collections.unmodifiableMap(copy);
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static int optionsLength(Map<String, String> options) {
        int n = 0;
        for (Map.Entry<String, String> e : options.entrySet()) {
            n += utf8Length(e.getKey()) + 1 + utf8Length(e.getValue()) + 1;
        }
        return n;
    }

    static void putString(ByteBuffer out, String s) {
        out.put(s.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
    }

    static void putOptions(ByteBuffer out, Map<String, String> options) {
        for (Map.Entry<String, String> e : options.entrySet()) {
            putString(out, e.getKey());
            putString(out, e.getValue());
        }
    }

    static TftpPacket decode(ByteBuffer in) throws MalformedPacketException {
        int size = in.remaining();
        if (size < 2) {
            throw new MalformedPacketException("opcode",
                    "datagram of " + size + " byte(s) is too short to hold an opcode");
        }
        if (size > TftpPacket.MAX_DATAGRAM) {
            throw new MalformedPacketException("datagram",
                    size + " bytes is larger than any TFTP packet (" + TftpPacket.MAX_DATAGRAM + ")");
        }
        int code = Short.toUnsignedInt(in.getShort());
        Opcode opcode = Opcode.of(code).orElseThrow(
                () -> new MalformedPacketException("opcode", "unknown opcode " + code));
        return switch (opcode) {
            case RRQ, WRQ -> decodeRequest(opcode, in);
            case DATA -> {
                int block = readBlock(in, "DATA");
                yield new Data(block, in.slice());
            }
            case ACK -> {
                int block = readBlock(in, "ACK");
                if (in.hasRemaining()) {
                    throw new MalformedPacketException("ACK",
                            in.remaining() + " unexpected byte(s) after the block number");
                }
                yield new Ack(block);
            }
            case ERROR -> {
                if (in.remaining() < 2) {
                    throw new MalformedPacketException("error code",
                            "ERROR packet ends before its 2-byte error code");
                }
                int errorCode = Short.toUnsignedInt(in.getShort());
                String message = readString(in, "error message", true, true);
                if (in.hasRemaining()) {
                    throw new MalformedPacketException("error message",
                            in.remaining() + " unexpected byte(s) after the terminating NUL");
                }
                yield new ErrorPacket(errorCode, message);
            }
            case OACK -> {
                Map<String, String> options = readOptions(in);
                if (options.isEmpty()) {
                    throw new MalformedPacketException("options", "OACK carries no option");
                }
                yield new OptionAck(options);
            }
        };
    }

    private static int readBlock(ByteBuffer in, String what) throws MalformedPacketException {
        if (in.remaining() < 2) {
            throw new MalformedPacketException("block number",
                    what + " packet ends before its 2-byte block number");
        }
        return Short.toUnsignedInt(in.getShort());
    }

    private static Request decodeRequest(Opcode opcode, ByteBuffer in)
            throws MalformedPacketException {
        String filename = readString(in, "filename", false, false);
        String modeName = readString(in, "mode", false, false);
        if (modeName.equalsIgnoreCase("mail")) {
            throw new MalformedPacketException("mode", "'mail' is obsolete (RFC 1350) and not supported");
        }
        TransferMode mode = TransferMode.of(modeName).orElseThrow(() -> new MalformedPacketException(
                "mode", "unknown mode '" + modeName + "' (netascii or octet)"));
        return new Request(opcode, filename, mode, readOptions(in));
    }

    private static Map<String, String> readOptions(ByteBuffer in) throws MalformedPacketException {
        Map<String, String> options = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            String name = readString(in, "option name", false, false).toLowerCase(Locale.ROOT);
            if (!in.hasRemaining()) {
                throw new MalformedPacketException("option '" + name + "'", "has no value");
            }
            String value = readString(in, "option '" + name + "'", false, false);
            if (options.putIfAbsent(name, value) != null) {
                throw new MalformedPacketException("option '" + name + "'", "appears twice");
            }
        }
        return options;
    }

    /** Reads a NUL-terminated UTF-8 string; refuses control characters. */
    private static String readString(ByteBuffer in, String field, boolean mayBeEmpty, boolean lenient)
            throws MalformedPacketException {
        int start = in.position();
        int end = -1;
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == 0) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new MalformedPacketException(field, "not NUL-terminated");
        }
        if (end == start && !mayBeEmpty) {
            throw new MalformedPacketException(field, "empty");
        }
        for (int i = start; i < end; i++) {
            int b = in.get(i) & 0xFF;
            boolean allowedWhitespace = lenient && (b == '\t' || b == '\r' || b == '\n');
            if ((b < 0x20 && !allowedWhitespace) || b == 0x7F) {
                throw new MalformedPacketException(field,
                        "control character 0x" + Integer.toHexString(b) + " at offset " + i);
            }
        }
        ByteBuffer bytes = in.duplicate().position(start).limit(end);
        in.position(end + 1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPacketException(field, "not valid UTF-8");
        }
    }
}
