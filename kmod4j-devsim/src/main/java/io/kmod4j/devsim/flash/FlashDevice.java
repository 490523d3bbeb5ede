package io.kmod4j.devsim.flash;

import io.kmod4j.devsim.flash.DeviceStatus.SlotInfo;
import io.kmod4j.devsim.flash.DeviceStatus.Trial;
import io.kmod4j.devsim.flash.Flash.PowerLossException;
import io.kmod4j.devsim.image.ImageException;
import io.kmod4j.devsim.image.ImageHeader;
import io.kmod4j.devsim.image.ImageVerifier;
import io.kmod4j.tftp.TftpCancelledException;
import io.kmod4j.tftp.TftpErrorException;
import io.kmod4j.tftp.TftpHandler;
import io.kmod4j.tftp.TftpHandler.WriteSink;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpServer;
import io.kmod4j.tftp.TftpTimeoutException;
import io.kmod4j.tftp.TransferRequest;
import io.kmod4j.tftp.UdpTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An emulated A/B flash device behind TFTP that can never be bricked.
 *
 * <h2>Protocol</h2>
 * A TFTP write request for {@code firmware} streams an image (see {@link
 * io.kmod4j.devsim.image}) into the inactive slot. When the last block has arrived, and before
 * the final ACK, the device reads the slot back and verifies size, hash and signature; only then
 * it flips the boot record, and the new slot boots on trial. After the self-test delay the trial
 * is confirmed, or, if the self-test fails, reverted. A reset (power cut, {@link #restart()})
 * while a trial is pending reverts it too. A read request for {@code status} returns the {@link
 * DeviceStatus} document. Errors go out as TFTP ERROR packets that name an {@link FwUploadError}.
 *
 * <h2>Never bricked</h2>
 * The boot record is the only thing that says what boots; it is written last, in two copies with
 * sequence numbers and checksums, and forced to disk. Whatever moment power is cut, on the next
 * power-on the newest intact copy names a slot that was verified before it was named, and a
 * trial that was not confirmed is reverted to the slot that ran before it.
 *
 * <h2>Threads</h2>
 * The TFTP server's threads (virtual) and one virtual thread per trial boot; all end when power
 * is cut or the device is closed. Public methods may be called from any thread. The state lives
 * in one immutable {@link DeviceStatus} in a volatile field, changed under one lock and read
 * without it. No caller code runs under that lock.
 */
public final class FlashDevice implements AutoCloseable {

    /*
     * Overview
     *
     * boot() reads the state directory, settles pending trials and unverifiable slots, and starts
     * the TFTP server. Upload (a WriteSink) runs on a server thread. powerCut() bumps the
     * generation, turns off the Flash (every later write throws), closes the server and stops the
     * self-test; every piece of code that outlives a power cut compares its generation before it
     * changes state, so nothing from before the cut can touch the device after it.
     */

    private static final String FIRMWARE = "firmware";
    private static final String STATUS = "status";

    private final DeviceConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition powerChanged = lock.newCondition();
    private volatile DeviceStatus status;
    private BootRecord record = BootRecord.empty(); // guarded by lock
    private long generation; // guarded by lock
    private int boots; // guarded by lock
    private Flash flash;
    private TftpServer server;
    private Thread selfTest;
    private InetSocketAddress boundAddress;

    private FlashDevice(DeviceConfig config) {
        this.config = config;
        this.status = new DeviceStatus(DeviceState.OFF, Optional.empty(), SlotInfo.empty(), SlotInfo.empty(), Trial.NONE,
                0, OptionalLong.empty(), Optional.empty(), 0);
    }

    /**
     * Powers a device on: reads or initialises its state directory, then serves TFTP.
     *
     * @param config the device's configuration
     * @return the running device
     * @throws IOException if the state directory or the port cannot be used, or the initial image
     *     does not verify
     */
    public static FlashDevice start(DeviceConfig config) throws IOException {
        FlashDevice d = new FlashDevice(config);
        d.boot();
        return d;
    }

    /** @return the TFTP address the device listens on (the same after {@link #restart()}) */
    public InetSocketAddress address() {
        return boundAddress;
    }

    /** @return the current status; never blocks */
    public DeviceStatus status() {
        return status;
    }

    /** @return the configuration */
    public DeviceConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------
    // Power

    /**
     * Cuts power abruptly: nothing is flushed beyond what was already forced to disk; transfers in
     * flight are abandoned without an ERROR; a pending trial stays pending (and reverts at the next
     * power-on). Returns when the device's threads have ended, except the calling thread if it is
     * one of them. Idempotent.
     */
    public void powerCut() {
        TftpServer s;
        Thread t;
        lock.lock();
        try {
            if (status.state() == DeviceState.OFF && server == null) {
                return;
            }
            generation++;
            if (flash != null) {
                flash.powerOff();
            }
            status = status.withState(DeviceState.OFF);
            powerChanged.signalAll();
            s = server;
            t = selfTest;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.halt();
        }
        if (t != null && t != Thread.currentThread()) {
            joinUninterruptibly(t);
        }
    }

    /**
     * Power-cycles the device: {@link #powerCut()}, then powers on from the state directory on
     * the same port, as a reset would.
     *
     * @throws IOException if the state directory or the port cannot be used
     */
    public void restart() throws IOException {
        powerCut();
        TftpServer s;
        lock.lock();
        try {
            s = server;
            server = null;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.halt(); // waits for a transfer thread that cut the power itself
        }
        boot();
    }

    /** Cuts power and releases the port; the state directory stays as it is. */
    @Override
    public void close() {
        powerCut();
        TftpServer s;
        lock.lock();
        try {
            s = server;
            server = null;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.halt();
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void boot() throws IOException {
        Flash f = new Flash(config.stateDir());
        BootRecord rec = f.loadRecord().orElse(BootRecord.empty());
        SlotInfo a = inspect(f, Slot.A);
        SlotInfo b = inspect(f, Slot.B);
        if (rec.sequence() == 0) {
            // No boot record at all. Slots that verify are still bootable: take the newest.
            Optional<Slot> best = bestValid(a, b);
            if (best.isPresent()) {
                rec = rec.next(best, false, Optional.empty());
                f.writeRecord(rec);
            } else if (config.initialImage().isPresent()) {
                rec = install(f, config.initialImage().get());
                a = inspect(f, Slot.A);
            }
        }
        settle(f, rec, a, b);
    }

    /** Reverts an unconfirmed trial, skips a slot that does not verify, then serves. */
    private void settle(Flash f, BootRecord bootRecord, SlotInfo a, SlotInfo b) throws IOException {
        BootRecord rec = bootRecord;
        Trial trial = Trial.NONE;
        Optional<String> error = Optional.empty();
        boolean trialStillPending = false;
        if (rec.trialPending() && rec.active().isPresent()) {
            Slot trialSlot = rec.active().get();
            Optional<Slot> fallback = rec.fallback().filter(s -> info(a, b, s).valid());
            if (fallback.isPresent()) {
                rec = rec.next(fallback, false, Optional.empty());
                f.writeRecord(rec);
                trial = Trial.REVERTED;
                error = Optional.of(FwUploadError.HW_ERROR.wireName() + ": the trial of slot " + trialSlot
                        + " was not confirmed before the reset; reverted to slot " + fallback.get());
            } else {
                trialStillPending = true; // nothing verified to go back to: boot the trial again
            }
        }
        if (rec.active().isPresent() && !info(a, b, rec.active().get()).valid()) {
            Slot bad = rec.active().get();
            Optional<Slot> other = Optional.of(bad.other()).filter(s -> info(a, b, s).valid());
            rec = rec.next(other, false, Optional.empty());
            f.writeRecord(rec);
            trialStillPending = false;
            error = Optional.of(FwUploadError.HW_ERROR.wireName() + ": slot " + bad + " does not verify ("
                    + info(a, b, bad).detail() + "); " + other.map(s -> "booting slot " + s).orElse("no valid image"));
        }
        lock.lock();
        try {
            flash = f;
            record = rec;
            boots++;
            DeviceState state = trialStillPending ? DeviceState.BOOTING : DeviceState.IDLE;
            status = new DeviceStatus(state, rec.active(), a, b, trialStillPending ? Trial.PENDING : trial, 0,
                    OptionalLong.empty(), error, boots);
            if (trialStillPending) {
                startSelfTest(generation, rec.active().get());
            }
        } finally {
            lock.unlock();
        }
        InetSocketAddress bind = boundAddress != null ? boundAddress : config.bindAddress();
        TftpServer s = TftpServer.builder(new Handler())
                .bindAddress(bind)
                .retransmitTimeout(config.retransmitTimeout())
                .transports(config.faults().wrap(UdpTransport::open))
                .start();
        lock.lock();
        try {
            server = s;
            boundAddress = s.address();
        } finally {
            lock.unlock();
        }
    }

    private static Optional<Slot> bestValid(SlotInfo a, SlotInfo b) {
        if (a.valid() && b.valid()) {
            return Optional.of(b.version().orElseThrow().compareTo(a.version().orElseThrow()) > 0 ? Slot.B : Slot.A);
        }
        return a.valid() ? Optional.of(Slot.A) : b.valid() ? Optional.of(Slot.B) : Optional.empty();
    }

    private static SlotInfo info(SlotInfo a, SlotInfo b, Slot s) {
        return s == Slot.A ? a : b;
    }

    private SlotInfo inspect(Flash f, Slot slot) throws IOException {
        if (!Files.exists(f.slotFile(slot)) || Files.size(f.slotFile(slot)) == 0) {
            return SlotInfo.empty();
        }
        Optional<io.kmod4j.devsim.image.Version> version = Optional.empty();
        try (InputStream in = Files.newInputStream(f.slotFile(slot))) {
            version = Optional.of(ImageHeader.parse(in.readNBytes(ImageHeader.SIZE)).version());
        } catch (ImageException e) {
            return new SlotInfo(Optional.empty(), false, e.getMessage());
        }
        try {
            verifier().verify(f.slotFile(slot));
            return new SlotInfo(version, true, "verified");
        } catch (ImageException e) {
            return new SlotInfo(version, false, e.getMessage());
        }
    }

    private ImageVerifier verifier() {
        return new ImageVerifier(config.trustedKey(), config.slotCapacity() - ImageHeader.SIZE);
    }

    /** A factory-fresh device: the initial image goes into slot A, confirmed. */
    private BootRecord install(Flash f, java.nio.file.Path image) throws IOException {
        try {
            verifier().verify(image);
        } catch (ImageException e) {
            throw new IOException("initial image " + image + " does not verify: " + e.getMessage(), e);
        }
        try (Flash.SlotWriter w = f.openSlot(Slot.A); InputStream in = Files.newInputStream(image)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                w.write(ByteBuffer.wrap(buf, 0, n));
            }
            w.force();
        }
        BootRecord rec = BootRecord.empty().next(Optional.of(Slot.A), false, Optional.empty());
        f.writeRecord(rec);
        return rec;
    }

    // ---------------------------------------------------------------------------------------
    // Trial boot and self-test

    /** Called with the lock held. */
    private void startSelfTest(long gen, Slot slot) {
        selfTest = Thread.ofVirtual().name("devsim-self-test").start(() -> runSelfTest(gen, slot));
    }

    private void runSelfTest(long gen, Slot slot) {
        lock.lock();
        try {
            long nanos = config.selfTestDelay().toNanos();
            while (generation == gen && nanos > 0) {
                nanos = powerChanged.awaitNanos(nanos);
            }
            if (generation != gen) {
                return; // power was cut during the trial boot: the trial stays pending
            }
            boolean pass = !config.faults().takeSelfTestFailure();
            Optional<Slot> fallback = record.fallback();
            BootRecord next;
            if (pass) {
                next = record.next(Optional.of(slot), false, Optional.empty());
            } else {
                next = record.next(fallback, false, Optional.empty());
            }
            try {
                flash.writeRecord(next);
            } catch (PowerLossException e) {
                return;
            } catch (IOException e) {
                status = status.withState(DeviceState.FAILED).withError(FwUploadError.READ_WRITE_ERROR,
                        "cannot write the boot record: " + e.getMessage());
                return;
            }
            record = next;
            if (pass) {
                status = status.withActive(Optional.of(slot), Trial.CONFIRMED).withState(DeviceState.CONFIRMED);
            } else {
                String from = status.slot(slot).version().map(Object::toString).orElse("?");
                status = status.withActive(fallback, Trial.REVERTED).withState(DeviceState.REVERTED).withError(
                        FwUploadError.HW_ERROR, "the self-test of " + from + " in slot " + slot
                                + " failed; reverted to slot " + fallback.map(Slot::name).orElse("none"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------
    // TFTP

    private final class Handler implements TftpHandler {
        @Override
        public ReadSource openRead(TransferRequest request) throws IOException {
            if (!request.filename().equals(STATUS)) {
                throw new TftpErrorException(ErrorPacket.FILE_NOT_FOUND, "file not found: only 'status' can be read");
            }
            byte[] doc = status.toDocument().getBytes(StandardCharsets.UTF_8);
            return new ReadSource(new ByteArrayInputStream(doc), OptionalLong.of(doc.length));
        }

        @Override
        public WriteSink openWrite(TransferRequest request) throws IOException {
            if (!request.filename().equals(FIRMWARE)) {
                throw new TftpErrorException(ErrorPacket.ACCESS_VIOLATION,
                        "access violation: only 'firmware' can be written");
            }
            return beginUpload(request);
        }
    }

    private WriteSink beginUpload(TransferRequest request) throws IOException {
        OptionalLong tsize = request.transferSize();
        long gen;
        Slot target;
        lock.lock();
        try {
            DeviceState state = status.state();
            if (!state.isAtRest()) {
                throw FwUploadError.DEVICE_BUSY.toTftp("the device is " + state.wireName());
            }
            if (config.faults().takeBusy()) {
                throw FwUploadError.DEVICE_BUSY.toTftp("the device is busy (injected)");
            }
            Optional<FwUploadError> refusal = config.faults().takeRefusalAtRequest();
            if (refusal.isPresent()) {
                throw fail(refusal.get(), "refused (injected)");
            }
            if (tsize.isPresent() && tsize.getAsLong() > config.slotCapacity()) {
                throw fail(FwUploadError.INVALID_FILE_SIZE, "tsize " + tsize.getAsLong() + " exceeds the slot capacity "
                        + config.slotCapacity());
            }
            if (tsize.isPresent() && tsize.getAsLong() < ImageHeader.SIZE) {
                throw fail(FwUploadError.INVALID_FILE_SIZE, "tsize " + tsize.getAsLong()
                        + " is smaller than an image header");
            }
            target = record.active().map(Slot::other).orElse(Slot.A);
            gen = generation;
            status = status.withState(DeviceState.RECEIVING).withBytes(0, tsize)
                    .withSlot(target, new SlotInfo(Optional.empty(), false, "receiving"));
        } finally {
            lock.unlock();
        }
        try {
            return new Upload(gen, target, tsize, flash.openSlot(target));
        } catch (IOException e) {
            lock.lock();
            try {
                if (generation == gen) {
                    status = status.withState(DeviceState.FAILED);
                }
            } finally {
                lock.unlock();
            }
            throw fail(FwUploadError.READ_WRITE_ERROR, "cannot open slot " + target + ": " + e.getMessage());
        }
    }

    /** Records an error as the last error (lock held or not) and returns it to throw. */
    private TftpErrorException fail(FwUploadError error, String detail) {
        lock.lock();
        try {
            DeviceStatus s = status.withError(error, detail);
            status = s.state().isAtRest() || s.state() == DeviceState.OFF ? s : s.withState(DeviceState.FAILED);
        } finally {
            lock.unlock();
        }
        return error.toTftp(detail);
    }

    /** One upload into the inactive slot; runs on a TFTP server thread. */
    private final class Upload implements WriteSink {
        private final long gen;
        private final Slot target;
        private final OptionalLong tsize;
        private final Flash.SlotWriter writer;
        private final ByteBuffer header = ByteBuffer.allocate(ImageHeader.SIZE);
        private long bytes;
        private boolean failedOnOurSide;

        Upload(long gen, Slot target, OptionalLong tsize, Flash.SlotWriter writer) {
            this.gen = gen;
            this.target = target;
            this.tsize = tsize;
            this.writer = writer;
        }

        private boolean current() {
            lock.lock();
            try {
                return generation == gen;
            } finally {
                lock.unlock();
            }
        }

        private TftpErrorException ours(FwUploadError e, String detail) {
            failedOnOurSide = true;
            return fail(e, detail);
        }

        @Override
        public void write(long block, ByteBuffer data) throws IOException {
            if (config.faults().takePowerCutAtBlock(block)) {
                powerCut();
                throw new PowerLossException();
            }
            Optional<FwUploadError> refusal = config.faults().takeRefusalAtBlock(block);
            if (refusal.isPresent()) {
                throw ours(refusal.get(), "refused at block " + block + " (injected)");
            }
            ByteBuffer payload = data;
            if (config.faults().takeCorruption(block) && data.hasRemaining()) {
                byte[] copy = new byte[data.remaining()];
                data.duplicate().get(copy);
                copy[copy.length / 2] ^= 0x5A;
                payload = ByteBuffer.wrap(copy);
            }
            long after = bytes + payload.remaining();
            if (after > config.slotCapacity()) {
                throw ours(FwUploadError.INVALID_FILE_SIZE, "the image exceeds the slot capacity "
                        + config.slotCapacity());
            }
            if (tsize.isPresent() && after > tsize.getAsLong()) {
                throw ours(FwUploadError.INVALID_FILE_SIZE, "more data than the announced tsize "
                        + tsize.getAsLong());
            }
            checkHeaderEarly(payload);
            try {
                writer.write(payload.duplicate());
            } catch (PowerLossException e) {
                throw e;
            } catch (IOException e) {
                throw ours(FwUploadError.READ_WRITE_ERROR, "writing slot " + target + " failed: " + e.getMessage());
            }
            bytes = after;
            lock.lock();
            try {
                if (generation == gen) {
                    status = status.withBytes(bytes, tsize);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Refuses a foreign file as soon as its header is complete, not after the whole upload. */
        private void checkHeaderEarly(ByteBuffer payload) throws TftpErrorException {
            if (!header.hasRemaining()) {
                return;
            }
            ByteBuffer p = payload.duplicate();
            while (header.hasRemaining() && p.hasRemaining()) {
                header.put(p.get());
            }
            if (header.hasRemaining()) {
                return;
            }
            try {
                ImageHeader h = ImageHeader.parse(header.array());
                long total = ImageHeader.SIZE + h.payloadLength();
                if (total > config.slotCapacity()) {
                    throw ours(FwUploadError.INVALID_FILE_SIZE, "the header announces " + total
                            + " bytes; the slot holds " + config.slotCapacity());
                }
                if (tsize.isPresent() && total != tsize.getAsLong()) {
                    throw ours(FwUploadError.INVALID_FILE_SIZE, "the header announces " + total
                            + " bytes but tsize was " + tsize.getAsLong());
                }
            } catch (ImageException e) {
                throw ours(FwUploadError.FIRMWARE_INVALID, e.getMessage());
            }
        }

        @Override
        public void complete(long totalBytes) throws IOException {
            setState(DeviceState.VERIFYING);
            try {
                writer.force();
            } catch (PowerLossException e) {
                throw e;
            } catch (IOException e) {
                throw ours(FwUploadError.READ_WRITE_ERROR, "forcing slot " + target + " failed: " + e.getMessage());
            } finally {
                writer.close();
            }
            if (tsize.isPresent() && totalBytes != tsize.getAsLong()) {
                throw ours(FwUploadError.INVALID_FILE_SIZE, "received " + totalBytes + " bytes, tsize announced "
                        + tsize.getAsLong());
            }
            SlotInfo info;
            try {
                flash.checkPower();
                ImageVerifier.Verified v = verifier().verify(flash.slotFile(target));
                info = new SlotInfo(Optional.of(v.header().version()), true, "verified");
            } catch (ImageException e) {
                setSlot(new SlotInfo(Optional.empty(), false, e.getMessage()));
                FwUploadError kind = e.field().equals("payload") || e.field().equals("payload-length")
                        ? FwUploadError.INVALID_FILE_SIZE : FwUploadError.FIRMWARE_INVALID;
                throw ours(kind, e.getMessage());
            }
            switchTo(info);
        }

        /** The critical section: flip the boot record to the verified slot, on trial. */
        private void switchTo(SlotInfo info) throws IOException {
            try {
                flipBootRecord(info);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PowerLossException();
            }
        }

        private void flipBootRecord(SlotInfo info) throws IOException, InterruptedException {
            lock.lock();
            try {
                if (generation != gen) {
                    throw new PowerLossException();
                }
                status = status.withSlot(target, info).withState(DeviceState.SWITCHING);
                long linger = config.faults().switchDelay().toNanos();
                while (linger > 0 && generation == gen) {
                    linger = powerChanged.awaitNanos(linger); // releases the lock: status stays readable
                }
                if (generation != gen) {
                    throw new PowerLossException();
                }
                BootRecord next = record.next(Optional.of(target), true, record.active());
                if (config.faults().takePowerCutInSwitch()) {
                    flash.writeTornRecord(next);
                    lock.unlock();
                    try {
                        powerCut();
                    } finally {
                        lock.lock();
                    }
                    throw new PowerLossException();
                }
                try {
                    flash.writeRecord(next);
                } catch (PowerLossException e) {
                    throw e;
                } catch (IOException e) {
                    failedOnOurSide = true;
                    status = status.withState(DeviceState.FAILED).withError(FwUploadError.READ_WRITE_ERROR,
                            "writing the boot record failed: " + e.getMessage());
                    throw FwUploadError.READ_WRITE_ERROR.toTftp("writing the boot record failed: " + e.getMessage());
                }
                record = next;
                status = status.withActive(Optional.of(target), Trial.PENDING).withState(DeviceState.BOOTING);
                startSelfTest(gen, target);
            } finally {
                lock.unlock();
            }
        }

        private void setState(DeviceState s) {
            lock.lock();
            try {
                if (generation == gen) {
                    status = status.withState(s);
                }
            } finally {
                lock.unlock();
            }
        }

        private void setSlot(SlotInfo info) {
            lock.lock();
            try {
                if (generation == gen) {
                    status = status.withSlot(target, info);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void abort(IOException cause) {
            writer.close();
            if (!current() || failedOnOurSide) {
                return; // power was cut, or the error is already recorded
            }
            FwUploadError kind;
            String detail;
            if (cause instanceof TftpErrorException e) {
                kind = FwUploadError.USER_ABORT;
                detail = "the client ended the transfer with ERROR " + e.errorCode() + " '" + e.errorMessage() + "'";
            } else if (cause instanceof TftpTimeoutException) {
                kind = FwUploadError.TIMEOUT;
                detail = "the client stopped sending: " + cause.getMessage();
            } else if (cause instanceof TftpCancelledException) {
                kind = FwUploadError.USER_ABORT;
                detail = cause.getMessage();
            } else {
                kind = FwUploadError.HW_ERROR;
                detail = String.valueOf(cause.getMessage());
            }
            lock.lock();
            try {
                if (generation == gen) {
                    status = status.withState(DeviceState.FAILED).withError(kind, detail)
                            .withSlot(target, new SlotInfo(Optional.empty(), false, "incomplete upload"));
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
