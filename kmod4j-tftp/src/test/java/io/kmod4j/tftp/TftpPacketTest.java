package io.kmod4j.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kmod4j.tftp.TftpPacket.Ack;
import io.kmod4j.tftp.TftpPacket.Data;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpPacket.OptionAck;
import io.kmod4j.tftp.TftpPacket.Request;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TftpPacketTest {

    private static TftpPacket roundTrip(TftpPacket p) throws MalformedPacketException {
        ByteBuffer wire = p.encode();
        assertThat(wire.remaining()).isEqualTo(p.encodedLength());
        return TftpPacket.decode(wire);
    }

    @Test
    void requestsRoundTripWithOptionsInOrder() throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("blksize", "1468");
        options.put("tsize", "0");
        options.put("windowsize", "16");
        Request rrq = new Request(Opcode.RRQ, "firmware", TransferMode.OCTET, options);
        Request wrq = new Request(Opcode.WRQ, "dir/ä.bin", TransferMode.NETASCII, Map.of());
        assertThat(roundTrip(rrq)).isEqualTo(rrq);
        assertThat(((Request) roundTrip(rrq)).options().keySet()).containsExactly("blksize", "tsize", "windowsize");
        assertThat(roundTrip(wrq)).isEqualTo(wrq);
        assertThat(((Request) roundTrip(wrq)).isWrite()).isTrue();
    }

    @Test
    void otherPacketsRoundTrip() throws Exception {
        assertThat(roundTrip(Data.of(65535, new byte[] {1, 2, 3}))).isEqualTo(Data.of(65535, new byte[] {1, 2, 3}));
        assertThat(roundTrip(Data.of(0, new byte[0]))).isEqualTo(Data.of(0, new byte[0]));
        assertThat(roundTrip(Data.of(7, new byte[TftpPacket.MAX_BLOCK_SIZE])).encodedLength())
                .isEqualTo(TftpPacket.MAX_DATAGRAM);
        assertThat(roundTrip(new Ack(0))).isEqualTo(new Ack(0));
        assertThat(roundTrip(new Ack(65535))).isEqualTo(new Ack(65535));
        assertThat(roundTrip(new ErrorPacket(3, "invalid-file-size: too big"))).isEqualTo(
                new ErrorPacket(3, "invalid-file-size: too big"));
        assertThat(roundTrip(new ErrorPacket(0, ""))).isEqualTo(new ErrorPacket(0, ""));
        assertThat(roundTrip(new OptionAck(Map.of("blksize", "8")))).isEqualTo(new OptionAck(Map.of("blksize", "8")));
    }

    @Test
    void wireBytesAreThoseOfRfc1350() {
        assertThat(new Ack(258).encode().array()).containsExactly(0, 4, 1, 2);
        assertThat(new Request(Opcode.WRQ, "f", TransferMode.OCTET, Map.of("tsize", "5")).encode().array())
                .isEqualTo(bytes(0, 2, "f|octet|tsize|5|"));
    }

    @Test
    void optionNamesAndModeAreCaseInsensitive() throws Exception {
        Request r = (Request) TftpPacket.decode(ByteBuffer.wrap(bytes(0, 1, "f|OcTeT|BLKSIZE|512|WindowSize|4|")));
        assertThat(r.mode()).isEqualTo(TransferMode.OCTET);
        assertThat(r.options()).containsExactly(Map.entry("blksize", "512"), Map.entry("windowsize", "4"));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty datagram", new byte[0], "opcode", "too short"),
                Arguments.of("one byte", new byte[] {0}, "opcode", "too short"),
                Arguments.of("opcode 0", new byte[] {0, 0}, "opcode", "unknown opcode 0"),
                Arguments.of("opcode 7", new byte[] {0, 7, 0, 0}, "opcode", "unknown opcode 7"),
                Arguments.of("opcode 65535", new byte[] {(byte) 255, (byte) 255}, "opcode", "unknown opcode 65535"),
                Arguments.of("datagram too large", new byte[TftpPacket.MAX_DATAGRAM + 1], "datagram", "larger than"),
                Arguments.of("RRQ without anything", bytes(0, 1, ""), "filename", "not NUL-terminated"),
                Arguments.of("RRQ filename not terminated", bytes(0, 1, "abc"), "filename", "not NUL-terminated"),
                Arguments.of("RRQ empty filename", bytes(0, 1, "|octet|"), "filename", "empty"),
                Arguments.of("RRQ control char in filename", bytes(0, 1, "a\nb|octet|"), "filename",
                        "control character 0xa"),
                Arguments.of("RRQ invalid UTF-8 filename", concat(bytes(0, 1, ""), new byte[] {(byte) 0xC3, 0x28, 0},
                        "octet\0".getBytes(StandardCharsets.US_ASCII)), "filename", "UTF-8"),
                Arguments.of("WRQ without mode", bytes(0, 2, "f|"), "mode", "not NUL-terminated"),
                Arguments.of("WRQ mode not terminated", bytes(0, 2, "f|octet"), "mode", "not NUL-terminated"),
                Arguments.of("WRQ empty mode", bytes(0, 2, "f||"), "mode", "empty"),
                Arguments.of("WRQ mail mode", bytes(0, 2, "f|mail|"), "mode", "obsolete"),
                Arguments.of("WRQ MAIL mode", bytes(0, 2, "f|MAIL|"), "mode", "obsolete"),
                Arguments.of("WRQ unknown mode", bytes(0, 2, "f|binary|"), "mode", "unknown mode 'binary'"),
                Arguments.of("option without value", bytes(0, 2, "f|octet|blksize|"), "option 'blksize'",
                        "has no value"),
                Arguments.of("option value not terminated", bytes(0, 2, "f|octet|blksize|512"),
                        "option 'blksize'", "not NUL-terminated"),
                Arguments.of("option name not terminated", bytes(0, 2, "f|octet|blk"), "option name",
                        "not NUL-terminated"),
                Arguments.of("empty option name", bytes(0, 2, "f|octet||5|"), "option name", "empty"),
                Arguments.of("empty option value", bytes(0, 2, "f|octet|tsize||"), "option 'tsize'", "empty"),
                Arguments.of("option twice, any case", bytes(0, 2, "f|octet|tsize|1|TSIZE|2|"),
                        "option 'tsize'", "appears twice"),
                Arguments.of("DATA without block", new byte[] {0, 3, 1}, "block number", "DATA packet ends"),
                Arguments.of("ACK without block", new byte[] {0, 4}, "block number", "ACK packet ends"),
                Arguments.of("ACK with trailing bytes", new byte[] {0, 4, 0, 1, 0}, "ACK", "1 unexpected byte"),
                Arguments.of("ERROR without code", new byte[] {0, 5, 0}, "error code", "2-byte error code"),
                Arguments.of("ERROR message not terminated", concat(new byte[] {0, 5, 0, 1}, "oops".getBytes(StandardCharsets.US_ASCII)), "error message",
                        "not NUL-terminated"),
                Arguments.of("ERROR trailing bytes", concat(new byte[] {0, 5, 0, 1}, "oops\0x".getBytes(StandardCharsets.US_ASCII)), "error message",
                        "unexpected byte"),
                Arguments.of("ERROR control char", concat(new byte[] {0, 5, 0, 1}, "o\u0007ps\0".getBytes(StandardCharsets.US_ASCII)), "error message",
                        "control character 0x7"),
                Arguments.of("OACK without options", new byte[] {0, 6}, "options", "no option"),
                Arguments.of("OACK option without value", bytes(0, 6, "blksize|"), "option 'blksize'", "has no value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedDatagramsNameTheField(String name, byte[] datagram, String field, String reason) {
        MalformedPacketException e = catchThrowableOfType(MalformedPacketException.class,
                () -> TftpPacket.decode(ByteBuffer.wrap(datagram)));
        assertThat(e).as(name).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.reason()).contains(reason);
        assertThat(e.getMessage()).contains(field).contains(reason);
    }

    @Test
    void randomGarbageOnlyEverYieldsMalformedPacketException() {
        Random random = new Random(1350);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] datagram = new byte[random.nextInt(40)];
            random.nextBytes(datagram);
            if (datagram.length >= 2 && random.nextBoolean()) {
                datagram[0] = 0;
                datagram[1] = (byte) (1 + random.nextInt(6));
            }
            try {
                TftpPacket.decode(ByteBuffer.wrap(datagram));
                decoded++;
            } catch (MalformedPacketException expected) {
                if (expected.field().isEmpty()) {
                    throw new AssertionError("no field named", expected);
                }
            }
        }
        assertThat(decoded).as("some random datagrams are valid DATA or ACK packets").isPositive();
    }

    @Test
    void constructorsRefuseWhatCannotTravel() {
        assertThatThrownBy(() -> new Ack(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Data(-1, ByteBuffer.allocate(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Data(1, ByteBuffer.allocate(TftpPacket.MAX_BLOCK_SIZE + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Request(Opcode.DATA, "f", TransferMode.OCTET, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Request(Opcode.RRQ, "a\0b", TransferMode.OCTET, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Request(Opcode.RRQ, "f", TransferMode.OCTET, Map.of("A", "1", "a", "2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> new OptionAck(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorPacket(70000, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transferOptionsValidateRanges() {
        assertThatThrownBy(() -> TransferOptions.none().withBlockSize(7)).hasMessageContaining("8..65464");
        assertThatThrownBy(() -> TransferOptions.none().withBlockSize(65465)).hasMessageContaining("8..65464");
        assertThatThrownBy(() -> TransferOptions.none().withWindowSize(0)).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> TransferOptions.none().withTimeout(java.time.Duration.ofMillis(1500)))
                .hasMessageContaining("whole number of seconds");
        assertThatThrownBy(() -> TransferOptions.none().withTimeout(java.time.Duration.ofSeconds(256)))
                .hasMessageContaining("1..255");
        assertThat(TransferOptions.none().isEmpty()).isTrue();
        assertThat(TransferOptions.recommended().toWire(java.util.OptionalLong.of(10)))
                .containsExactly(Map.entry("blksize", "1468"), Map.entry("tsize", "10"), Map.entry("windowsize", "16"));
    }

    @Test
    void decimalOptionValuesNeverOverflow() {
        assertThat(OptionNames.parseDecimal("65464")).isEqualTo(65464);
        assertThat(OptionNames.parseDecimal("99999999999999999999999")).isEqualTo(-1);
        assertThat(OptionNames.parseDecimal("-1")).isEqualTo(-1);
        assertThat(OptionNames.parseDecimal("1e3")).isEqualTo(-1);
        assertThat(OptionNames.parseDecimal("")).isEqualTo(-1);
    }

    /** The opcode bytes, then {@code rest} with each '|' standing for a NUL byte. */
    static byte[] bytes(int b0, int b1, String rest) {
        return concat(new byte[] {(byte) b0, (byte) b1},
                rest.replace('|', '\0').getBytes(StandardCharsets.ISO_8859_1));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
