package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.tftp.MalformedPacketException;
import io.kmod4j.tftp.TftpPacket;
import java.nio.ByteBuffer;

/**
 * {@link TftpPacket#decode}: every datagram the device (server) and the driver (client) receive
 * goes through it first.
 *
 * <p>Invariants, as its javadoc promises: any bytes give a packet or a
 * {@link MalformedPacketException}, never another exception; the buffer's position does not
 * move; a datagram decodes the same wherever it sits in a larger buffer; and a decoded packet
 * encodes to a datagram that decodes to an equal packet, no larger than the largest legal one.
 */
class TftpPacketFuzzTest {

    @FuzzTest
    @DictionaryEntries({"\u0000\u0001", "\u0000\u0002", "\u0000\u0003", "\u0000\u0004", "\u0000\u0005", "\u0000\u0006",
            "octet\u0000", "netascii\u0000", "mail\u0000", "blksize\u0000", "tsize\u0000", "timeout\u0000",
            "windowsize\u0000", "65464\u0000"})
    void decode(byte[] datagram) {
        TftpPacket packet;
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        try {
            packet = TftpPacket.decode(buffer);
        } catch (MalformedPacketException e) {
            assertThat(e.field()).isNotEmpty();
            assertThat(buffer.position()).isZero();
            assertRefusedInside(datagram);
            return;
        }
        assertThat(buffer.position()).isZero();
        assertThat(decodeInside(datagram)).as("the same bytes at an offset").isEqualTo(packet);
        ByteBuffer encoded = packet.encode();
        assertThat(encoded.remaining()).isEqualTo(packet.encodedLength()).isLessThanOrEqualTo(TftpPacket.MAX_DATAGRAM);
        TftpPacket again;
        try {
            again = TftpPacket.decode(encoded);
        } catch (MalformedPacketException e) {
            throw new AssertionError(packet + " encodes to a datagram its own decoder refuses", e);
        }
        assertThat(again).as("decode(encode(p))").isEqualTo(packet);
    }

    /** The datagram placed between other bytes, with position and limit around it. */
    private static ByteBuffer inside(byte[] datagram) {
        byte[] big = new byte[datagram.length + 6];
        java.util.Arrays.fill(big, (byte) 0x41);
        System.arraycopy(datagram, 0, big, 3, datagram.length);
        return ByteBuffer.wrap(big).position(3).limit(3 + datagram.length);
    }

    private static TftpPacket decodeInside(byte[] datagram) {
        try {
            return TftpPacket.decode(inside(datagram));
        } catch (MalformedPacketException e) {
            throw new AssertionError("decodes at offset 0 but not at offset 3", e);
        }
    }

    private static void assertRefusedInside(byte[] datagram) {
        try {
            TftpPacket p = TftpPacket.decode(inside(datagram));
            throw new AssertionError("refused at offset 0 but decodes at offset 3 as " + p);
        } catch (MalformedPacketException expected) {
            // consistent
        }
    }
}
