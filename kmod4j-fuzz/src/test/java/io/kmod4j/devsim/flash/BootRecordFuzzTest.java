package io.kmod4j.devsim.flash;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The emulated device's boot record as it reads it back from flash after a power cut, which may
 * have torn or corrupted it ({@link BootRecord#decode}, package-private, hence this package).
 * Byte 0 bit 0 asks the harness to make the CRC right, so that the fuzzer gets past it.
 *
 * <p>Invariants: any bytes give a record or empty, never an exception; a record decoded encodes
 * back to the same 20 bytes.
 */
class BootRecordFuzzTest {

    @FuzzTest
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] bytes = java.util.Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) != 0 && bytes.length >= 20) {
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, 16);
            ByteBuffer.wrap(bytes).putInt(16, (int) crc.getValue());
        }
        Optional<BootRecord> record = BootRecord.decode(bytes);
        record.ifPresent(r -> assertThat(r.encode()).as(r.toString()).isEqualTo(bytes));
    }
}
