package io.kmod4j.devsim.flash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The device's non-volatile storage: two slot files and two boot-record copies in the state
 * directory. Every operation fails with {@link PowerLossException} once power is off, so code
 * that raced a power cut cannot write anything after it. Package-private.
 */
final class Flash {

    /** Thrown by every flash operation after a power cut. */
    static final class PowerLossException extends IOException {
        private static final long serialVersionUID = 1L;

        PowerLossException() {
            super("power is off");
        }
    }

    private static final String[] RECORD_FILES = {"boot-record-0.bin", "boot-record-1.bin"};

    private final Path dir;
    private volatile boolean powered = true;

    Flash(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    Path dir() {
        return dir;
    }

    void powerOff() {
        powered = false;
    }

    void checkPower() throws PowerLossException {
        if (!powered) {
            throw new PowerLossException();
        }
    }

    Path slotFile(Slot slot) {
        return dir.resolve(slot.fileName());
    }

    /** Opens a slot for a new image: truncated, written sequentially. */
    SlotWriter openSlot(Slot slot) throws IOException {
        checkPower();
        boolean created = !Files.exists(slotFile(slot));
        FileChannel ch = FileChannel.open(slotFile(slot), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        if (created) {
            forceDirectory();
        }
        return new SlotWriter(ch);
    }

    /** Sequential writes into one slot; every call checks power first. */
    final class SlotWriter implements AutoCloseable {
        private final FileChannel channel;

        private SlotWriter(FileChannel channel) {
            this.channel = channel;
        }

        void write(ByteBuffer data) throws IOException {
            checkPower();
            while (data.hasRemaining()) {
                channel.write(data);
            }
        }

        /** Forces the slot's contents to the disk (fsync). */
        void force() throws IOException {
            checkPower();
            channel.force(true);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was promised about unforced data; closing cannot make it worse.
            }
        }
    }

    /** Reads both record copies; the valid one with the highest sequence wins. */
    Optional<BootRecord> loadRecord() throws IOException {
        checkPower();
        Optional<BootRecord> best = Optional.empty();
        for (String name : RECORD_FILES) {
            Optional<BootRecord> r = readCopy(dir.resolve(name));
            if (r.isPresent() && (best.isEmpty() || r.get().sequence() > best.get().sequence())) {
                best = r;
            }
        }
        return best;
    }

    private static Optional<BootRecord> readCopy(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return BootRecord.decode(Files.readAllBytes(file));
    }

    /**
     * Writes a record over the copy that does not hold the newest valid record, then forces it:
     * a write torn by a power cut leaves that copy invalid and the other one in charge.
     */
    void writeRecord(BootRecord record) throws IOException {
        writeRecordBytes(record, BootRecord.SIZE);
    }

    /** Fault injection: writes only the first half of the record, as a power cut mid-write would. */
    void writeTornRecord(BootRecord record) throws IOException {
        writeRecordBytes(record, BootRecord.SIZE / 2);
    }

    private void writeRecordBytes(BootRecord record, int length) throws IOException {
        checkPower();
        Optional<BootRecord> c0 = readCopy(dir.resolve(RECORD_FILES[0]));
        Optional<BootRecord> c1 = readCopy(dir.resolve(RECORD_FILES[1]));
        int target;
        if (c0.isEmpty()) {
            target = 0;
        } else if (c1.isEmpty()) {
            target = 1;
        } else {
            target = c0.get().sequence() <= c1.get().sequence() ? 0 : 1;
        }
        Path file = dir.resolve(RECORD_FILES[target]);
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(record.encode(), 0, length);
            checkPower();
            while (bytes.hasRemaining()) {
                ch.write(bytes, bytes.position());
            }
            ch.truncate(length);
            ch.force(true);
        }
        if (created) {
            forceDirectory();
        }
    }

    /** Makes a newly created file's directory entry durable (Linux: fsync on the directory). */
    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some platforms cannot open directories; their file systems order metadata anyway.
        }
    }
}
