package io.kmod4j.devsim.flash;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The small record that decides what boots: written last, in two copies, each with a sequence
 * number and a CRC-32. On power-on the valid copy with the highest sequence number wins.
 *
 * <pre>
 * offset size
 *      0    4 magic "KBR1"
 *      4    8 sequence
 *     12    1 active slot   (0 none, 1 A, 2 B)
 *     13    1 trial pending (0 or 1)
 *     14    1 fallback slot (0 none, 1 A, 2 B): where a trial reverts to
 *     15    1 reserved 0
 *     16    4 CRC-32 of bytes 0..15
 * </pre>
 *
 * @param sequence increases by one with every write
 * @param active the slot to boot
 * @param trialPending true while the active slot boots on trial
 * @param fallback the slot a pending trial reverts to
 */
record BootRecord(long sequence, Optional<Slot> active, boolean trialPending, Optional<Slot> fallback) {

    static final int SIZE = 20;
    private static final byte[] MAGIC = "KBR1".getBytes(StandardCharsets.US_ASCII);

    static BootRecord empty() {
        return new BootRecord(0, Optional.empty(), false, Optional.empty());
    }

    BootRecord next(Optional<Slot> newActive, boolean trial, Optional<Slot> newFallback) {
        return new BootRecord(sequence + 1, newActive, trial, newFallback);
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(MAGIC).putLong(sequence).put(code(active)).put((byte) (trialPending ? 1 : 0)).put(code(fallback))
                .put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 16);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** @return the record, or empty if the bytes are torn, corrupted or not a record */
    static Optional<BootRecord> decode(byte[] bytes) {
        if (bytes.length != SIZE || !Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, 16);
        if (b.getInt(16) != (int) crc.getValue()) {
            return Optional.empty();
        }
        long seq = b.getLong(4);
        Optional<Slot> active = slot(bytes[12]);
        Optional<Slot> fallback = slot(bytes[14]);
        // The reserved byte must be 0 as the layout says, or a record with a valid CRC that this
        // code did not write (another format) would be taken for one. Found by kmod4j-fuzz
        // (BootRecordFuzzTest): such a record decoded, then encoded to different bytes.
        if (active == null || fallback == null || (bytes[13] & 0xFE) != 0 || bytes[15] != 0 || seq < 0) {
            return Optional.empty();
        }
        return Optional.of(new BootRecord(seq, active, bytes[13] == 1, fallback));
    }

    private static byte code(Optional<Slot> slot) {
        return (byte) slot.map(s -> s.ordinal() + 1).orElse(0).intValue();
    }

    /** @return the slot, empty for none, or null if the byte is invalid */
    private static Optional<Slot> slot(byte code) {
        return switch (code) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(Slot.A);
            case 2 -> Optional.of(Slot.B);
            default -> null;
        };
    }
}
