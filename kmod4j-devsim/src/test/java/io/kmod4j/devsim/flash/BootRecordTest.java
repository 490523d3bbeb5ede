package io.kmod4j.devsim.flash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Decoding the boot record read back from flash. Regressions found by fuzzing (kmod4j-fuzz,
 * BootRecordFuzzTest): what decodes must be exactly what {@link BootRecord#encode()} writes.
 */
class BootRecordTest {

    @Test
    void aRecordRoundTrips() {
        BootRecord r = BootRecord.empty().next(Optional.of(Slot.A), true, Optional.of(Slot.B));
        assertThat(BootRecord.decode(r.encode())).contains(r);
    }

    @Test
    void aNonZeroReservedByteIsNotARecordEvenWithAValidCrc() {
        byte[] bytes = BootRecord.empty().next(Optional.empty(), false, Optional.of(Slot.B)).encode();
        bytes[15] = (byte) 0xFC;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, 16);
        ByteBuffer.wrap(bytes).putInt(16, (int) crc.getValue());
        assertThat(BootRecord.decode(bytes)).isEmpty();
    }
}
