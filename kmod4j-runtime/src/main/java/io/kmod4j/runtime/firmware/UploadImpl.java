package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadException;
import io.kmod4j.firmware.FwUploadOps;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Uninterruptibly;
import io.kmod4j.runtime.module.InModule;
import io.kmod4j.runtime.module.LoadedModule;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One registered firmware upload ({@code struct fw_upload_priv}, {@code sysfs_upload.c}).
 *
 * <p>Progress moves {@code IDLE ─▶ RECEIVING ─▶ PREPARING ─▶ TRANSFERRING ─▶ PROGRAMMING ─▶ IDLE};
 * a failure at any step records {@code <progress>:<error>} and goes back to IDLE (after
 * {@code cleanup} if {@code prepare} had succeeded). {@link #start} moves IDLE to RECEIVING under
 * the lock and hands the rest to a worker on the owner's kworkers, which calls the ops as the
 * owner and never under a lock. {@link #cancel()} calls {@code ops.cancel} on the caller's
 * thread, also outside any lock.
 *
 * <p>State lives in fields guarded by {@code lock}; every change publishes one immutable
 * {@link UploadStatus} in a volatile field, so readers never block, and is then logged and sent
 * to the registry's listeners outside the lock.
 *
 * <p>Unregistering ({@link #close()}) follows {@code firmware_upload_unregister}: refuse new
 * uploads, cancel a running one, wait for its worker unconditionally, then remove the upload,
 * forget it in its owner and put the module reference taken at registration.
 */
final class UploadImpl implements FwUpload, OwnedResource {

    private final UploadRegistry registry;
    private final String name;
    private final Device device;
    private final FwUploadOps ops;
    private final Owner owner;
    private final LoadedModule module; // referenced until unregistered; null for other owners
    private final FwLog log;

    private final Object lock = new Object();
    private FwUploadProgress progress = FwUploadProgress.IDLE;     // guarded by lock
    private FwUploadError errCode = FwUploadError.NONE;            // guarded by lock
    private FwUploadProgress errProgress = FwUploadProgress.IDLE;  // guarded by lock
    private long size;                                             // guarded by lock
    private long remaining;                                        // guarded by lock
    private boolean closing;                                       // guarded by lock
    private Thread worker;                                         // guarded by lock
    private CountDownLatch workerDone = new CountDownLatch(0);     // guarded by lock; the last upload's
    private volatile UploadStatus status;
    private volatile boolean stopRequested;
    private final AtomicBoolean unregisterStarted = new AtomicBoolean();
    private final AtomicBoolean removed = new AtomicBoolean();
    private final CountDownLatch unregistered = new CountDownLatch(1);

    UploadImpl(UploadRegistry registry, String name, Device device, FwUploadOps ops, Owner owner, LoadedModule module,
               FwLog log) {
        this.registry = registry;
        this.name = name;
        this.device = device;
        this.ops = ops;
        this.owner = owner;
        this.module = module;
        this.log = log;
        synchronized (lock) {
            publish();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public FwUploadProgress progress() {
        return status.progress();
    }

    @Override
    public long remainingSize() {
        return status.remainingSize();
    }

    /** The current snapshot; never blocks. */
    UploadStatus status() {
        return status;
    }

    Owner owner() {
        return owner;
    }

    @Override
    public Optional<String> error() throws KernelException {
        synchronized (lock) {
            if (progress != FwUploadProgress.IDLE) {
                throw new KernelException(Errno.EBUSY, "fw_upload " + name + ": an upload is in progress ("
                        + progress.text() + "); its error is known when it ends");
            }
            return errCode == FwUploadError.NONE ? Optional.empty() : Optional.of(errorText());
        }
    }

    private String errorText() {
        return errCode == FwUploadError.NONE ? "" : errProgress.text() + ":" + errCode.text();
    }

    private UploadStatus publish() {
        UploadStatus s = new UploadStatus(name, device.name(), progress, size, remaining, errorText());
        status = s;
        return s;
    }

    // ------------------------------------------------------------------ start and the worker

    /**
     * Starts an upload of {@code image} ({@code fw_upload_start}, i.e. {@code 0 > loading}). Does
     * not block: the upload runs on a kworker.
     *
     * @param image the bytes from position to limit; the caller must not change them afterwards
     * @throws KernelException {@code EBUSY} an upload runs; {@code ENODEV} being unregistered;
     *     {@code ENOMEM} no kworker would take it. A 0-byte image changes nothing and succeeds.
     */
    @Override
    public void start(ByteBuffer image) throws KernelException {
        ByteBuffer data = image.slice().asReadOnlyBuffer();
        CountDownLatch done = new CountDownLatch(1);
        UploadStatus s;
        synchronized (lock) {
            if (closing || stopRequested) {
                throw new KernelException(Errno.ENODEV, "fw_upload " + name + " is being unregistered");
            }
            if (progress != FwUploadProgress.IDLE) {
                throw new KernelException(Errno.EBUSY, "fw_upload " + name + ": an upload is in progress ("
                        + progress.text() + ")");
            }
            if (data.remaining() == 0) {
                return; // Linux: a size-0 image just resets the data buffer
            }
            progress = FwUploadProgress.RECEIVING;
            errCode = FwUploadError.NONE;
            size = data.remaining();
            remaining = size;
            workerDone = done;
            s = publish();
        }
        changed(s, FwUploadProgress.RECEIVING.text() + " " + data.remaining() + " bytes");
        try {
            owner.workExecutor().execute(() -> work(data, done));
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                progress = FwUploadProgress.IDLE;
                s = publish();
            }
            done.countDown();
            changed(s, "idle: no kworker took the upload");
            throw new KernelException(Errno.ENOMEM, "fw_upload " + name + ": no kworker would take the upload", e);
        }
    }

    /** The worker ({@code fw_upload_main}). */
    private void work(ByteBuffer image, CountDownLatch done) {
        synchronized (lock) {
            worker = Thread.currentThread();
        }
        try {
            InModule.run(owner, () -> runOps(image));
        } catch (Exception e) {
            fail(FwUploadError.HW_ERROR, "the upload worker failed: " + e);
        } finally {
            UploadStatus s;
            synchronized (lock) {
                progress = FwUploadProgress.IDLE;
                worker = null;
                s = publish();
            }
            changed(s, "idle" + (s.error().isEmpty() ? ", upload complete" : ", upload failed: " + s.error()));
            done.countDown();
        }
    }

    private void runOps(ByteBuffer image) {
        move(FwUploadProgress.PREPARING);
        if (!op("prepare", () -> ops.prepare(this, image.duplicate()))) {
            return; // Linux skips cleanup when prepare failed
        }
        try {
            move(FwUploadProgress.TRANSFERRING);
            if (transfer(image)) {
                move(FwUploadProgress.PROGRAMMING);
                op("poll_complete", () -> ops.pollComplete(this));
            }
        } finally {
            try {
                ops.cleanup(this);
            } catch (RuntimeException e) {
                log.warn(device, "fw_upload " + name + ": cleanup threw " + e);
            }
        }
    }

    /** Calls {@code write} with the remaining size until nothing remains; false if it failed. */
    private boolean transfer(ByteBuffer image) {
        int offset = 0;
        while (true) {
            long rem;
            synchronized (lock) {
                rem = remaining;
            }
            if (rem == 0) {
                return true;
            }
            if (stopRequested) {
                fail(FwUploadError.CANCELED, owner.name() + " is being unloaded");
                return false;
            }
            int at = offset;
            int[] written = new int[1];
            if (!op("write", () -> written[0] = ops.write(this, image.duplicate(), at, (int) rem))) {
                return false;
            }
            int w = written[0];
            if (w == 0) {
                log.warn(device, name + ": write-op wrote zero data");
                fail(FwUploadError.RW_ERROR, "write-op wrote zero data");
                return false;
            }
            if (w < 0 || w > rem) {
                log.warn(device, name + ": write-op claims " + w + " bytes written of " + rem);
                fail(FwUploadError.RW_ERROR, "write-op returned " + w + " for " + rem + " bytes");
                return false;
            }
            offset += w;
            UploadStatus s;
            synchronized (lock) {
                remaining -= w;
                s = publish();
            }
            registry.changed(s);
        }
    }

    @FunctionalInterface
    private interface Op {
        void run() throws FwUploadException;
    }

    /** Runs one op; a failure is recorded as the upload's error. */
    private boolean op(String what, Op body) {
        try {
            body.run();
            return true;
        } catch (FwUploadException e) {
            fail(e.error(), what + ": " + e.getMessage());
        } catch (RuntimeException e) {
            fail(FwUploadError.HW_ERROR, what + " threw " + e);
        }
        return false;
    }

    private void move(FwUploadProgress next) {
        UploadStatus s;
        synchronized (lock) {
            progress = next;
            s = publish();
        }
        changed(s, next.text());
    }

    /** {@code fw_upload_set_error}: remembers the error and the progress it happened in. */
    private void fail(FwUploadError err, String detail) {
        UploadStatus s;
        synchronized (lock) {
            errProgress = progress;
            errCode = err;
            s = publish();
        }
        log.warn(device, "fw_upload " + name + ": " + s.error() + " (" + detail + ")");
        registry.changed(s);
    }

    private void changed(UploadStatus s, String what) {
        log.info(device, "fw_upload " + name + ": " + what);
        registry.changed(s);
    }

    // ------------------------------------------------------------------ cancel

    /**
     * {@code echo 1 > cancel}: calls {@code ops.cancel} on this thread, as the owner, even when
     * idle (Linux does).
     *
     * @throws KernelException {@code ENODEV} no upload runs; whatever {@code ops.cancel} threw
     *     while one runs, e.g. {@code EBUSY} in the device's critical section
     */
    void cancel() throws KernelException {
        boolean idle = status.progress() == FwUploadProgress.IDLE;
        KernelException refused = callCancel();
        if (idle) {
            KernelException e = new KernelException(Errno.ENODEV, "fw_upload " + name + ": no upload in progress");
            if (refused != null) {
                e.addSuppressed(refused);
            }
            throw e;
        }
        if (refused != null) {
            throw refused;
        }
        log.info(device, "fw_upload " + name + ": cancel requested");
    }

    private KernelException callCancel() {
        try {
            InModule.run(owner, () -> ops.cancel(this));
            return null;
        } catch (KernelException e) {
            return e;
        } catch (Exception e) {
            return new KernelException(Errno.EIO, "fw_upload " + name + ": ops.cancel threw " + e, e);
        }
    }

    // ------------------------------------------------------------------ unregister

    /**
     * {@code firmware_upload_unregister}: blocks until a running upload has been cancelled and its
     * worker has finished, however long that takes (an interrupt is kept for the caller, not
     * obeyed), then removes the upload. Idempotent; a concurrent caller waits for the first.
     *
     * @throws IllegalStateException if called from one of this upload's own ops
     */
    @Override
    public void close() {
        Uninterruptibly.run(() -> unregister(-1));
    }

    /** @param timeoutNanos negative to wait without limit; true if it is unregistered now */
    private boolean unregister(long timeoutNanos) throws InterruptedException {
        CountDownLatch running = null;
        synchronized (lock) {
            if (worker == Thread.currentThread()) {
                throw new IllegalStateException("fw_upload " + name + ": unregistered from its own op would wait for itself");
            }
        }
        if (unregisterStarted.compareAndSet(false, true)) {
            synchronized (lock) {
                closing = true;
                if (progress != FwUploadProgress.IDLE) {
                    running = workerDone;
                }
            }
            if (running != null) {
                log.info(device, "fw_upload " + name + ": unregistering during an upload; cancelling it");
                KernelException refused = callCancel();
                if (refused != null) {
                    log.info(device, "fw_upload " + name + ": cancel refused (" + refused.getMessage()
                            + "); waiting for the upload to end");
                }
            }
        }
        CountDownLatch done;
        synchronized (lock) {
            done = workerDone;
        }
        if (timeoutNanos < 0) {
            done.await();
        } else if (!done.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        if (removed.compareAndSet(false, true)) {
            registry.remove(this);
            owner.release(this);
            if (module != null) {
                module.put();
            }
            log.info(device, "fw_upload " + name + " unregistered");
            unregistered.countDown();
        }
        if (timeoutNanos < 0) {
            unregistered.await();
            return true;
        }
        return unregistered.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    boolean isUnregistered() {
        return unregistered.getCount() == 0;
    }

    /**
     * Waits until no upload runs.
     *
     * @return {@code true} if idle, {@code false} if the timeout passed first
     */
    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        CountDownLatch done;
        synchronized (lock) {
            done = workerDone;
        }
        return done.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ OwnedResource

    @Override
    public String kind() {
        return "firmware upload";
    }

    /** Marks the upload as stopping: a running worker fails with user-abort before its next write. */
    @Override
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * The owner is going away and never unregistered the upload: unregisters it now (cancel,
     * join the worker), up to the timeout.
     */
    @Override
    public boolean awaitQuiescent(Duration timeout) throws InterruptedException {
        if (!unregisterStarted.get()) {
            log.warn(device, "fw_upload " + name + " is still registered as " + owner.name()
                    + " goes away; unregistering it");
        }
        return unregister(Math.max(0, timeout.toNanos()));
    }

    @Override
    public Optional<Thread> thread() {
        synchronized (lock) {
            return Optional.ofNullable(worker);
        }
    }

    @Override
    public String describe() {
        UploadStatus s = status;
        return "fw_upload " + name + " for " + s.device() + ": " + s.progress().text() + ", " + s.remainingSize()
                + " of " + s.size() + " bytes remaining" + (s.error().isEmpty() ? "" : ", error " + s.error());
    }

    @Override
    public String toString() {
        return describe();
    }
}
