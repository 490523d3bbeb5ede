package io.kmod4j.cli;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadException;
import io.kmod4j.firmware.FwUploadOps;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Host drivers the CLI tests register with {@code kernel.registerDriver}: each probe outcome, and an uploader. */
final class TestDrivers {

    private TestDrivers() {}

    /** A driver of one compatible string whose probe does {@code body}. */
    record Simple(String name, String compatible, Probe body) implements Driver {
        @Override
        public List<DeviceId> idTable() {
            return List.of(DeviceId.of(compatible));
        }

        @Override
        public void probe(Device dev) throws Exception {
            body.probe(dev);
        }
    }

    @FunctionalInterface
    interface Probe {
        void probe(Device dev) throws Exception;
    }

    /** Binds every {@code test,ok} device. */
    static Driver binds() {
        return new Simple("test-ok", "test,ok", dev -> { });
    }

    /** Defers every {@code test,defer} device: it waits for a PHY that never comes. */
    static Driver defers() {
        return new Simple("test-defer", "test,defer", dev -> {
            throw dev.errProbe(Errno.EPROBE_DEFER, "waiting for the PHY");
        });
    }

    /** Fails every {@code test,fail} device with EIO. */
    static Driver fails() {
        return new Simple("test-fail", "test,fail", dev -> {
            throw new KernelException(Errno.EIO, "the device does not answer");
        });
    }

    /** Registers a firmware upload named after every {@code test,flash} device, with {@code ops}. */
    static Driver flashes(FwUploadOps ops) {
        return new Simple("test-flash", "test,flash", dev -> dev.manage(FwUpload.register(dev, dev.name(), ops)));
    }

    /**
     * Upload ops a test drives: each write takes at most {@link #chunk} bytes and first waits for a
     * permit the test releases (or a cancel); the write numbered {@link #failWrite} fails with
     * {@link #writeError}; {@link #critical} makes cancel refuse with EBUSY.
     */
    static final class GatedOps implements FwUploadOps {
        final Semaphore permits = new Semaphore(0);
        final AtomicInteger writesEntered = new AtomicInteger();
        volatile int chunk = 1000;
        volatile int failWrite = -1;
        volatile FwUploadError writeError = FwUploadError.HW_ERROR;
        volatile boolean critical;
        private volatile boolean cancelled;

        @Override
        public void prepare(FwUpload upload, ByteBuffer image) {
            cancelled = false;
        }

        @Override
        public int write(FwUpload upload, ByteBuffer image, int offset, int size) throws FwUploadException {
            int n = writesEntered.incrementAndGet();
            try {
                while (!cancelled && !permits.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                    // wait for the test, or a cancel
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FwUploadException(FwUploadError.CANCELED, "interrupted");
            }
            if (cancelled) {
                throw new FwUploadException(FwUploadError.CANCELED, "cancelled");
            }
            if (n == failWrite) {
                throw new FwUploadException(writeError, "write " + n + " failed");
            }
            return Math.min(chunk, size);
        }

        @Override
        public void pollComplete(FwUpload upload) {
        }

        @Override
        public void cancel(FwUpload upload) throws KernelException {
            if (critical) {
                throw new KernelException(Errno.EBUSY, "flash0 is switching boot slots; cancel refused");
            }
            cancelled = true;
        }
    }
}
