package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadException;
import io.kmod4j.firmware.FwUploadOps;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Upload ops a test scripts: what each op does, and where a write waits for the test. */
class ScriptedOps implements FwUploadOps {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile FwUploadError prepareError;
    volatile FwUploadError pollError;
    volatile FwUploadError writeError;
    volatile int failWrite = -1;  // which write (1-based) fails with writeError
    volatile int chunk = Integer.MAX_VALUE;
    volatile boolean zeroWrite;
    volatile boolean gated;       // each write waits for a permit or a cancel
    volatile boolean critical;    // cancel refuses with EBUSY
    volatile boolean cancelled;
    final Semaphore permits = new Semaphore(0);
    private int writes;

    @Override
    public void prepare(FwUpload upload, ByteBuffer image) throws FwUploadException {
        calls.add("prepare " + image.remaining());
        cancelled = false; // as drivers do: a new upload forgets an old cancel
        if (prepareError != null) {
            throw new FwUploadException(prepareError, "scripted prepare failure");
        }
    }

    @Override
    public int write(FwUpload upload, ByteBuffer image, int offset, int size) throws FwUploadException {
        calls.add("write " + offset + " " + size);
        int n = ++writes;
        while (gated) {
            if (cancelled) {
                break;
            }
            try {
                if (permits.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FwUploadException(FwUploadError.CANCELED, "interrupted");
            }
        }
        if (cancelled) {
            throw new FwUploadException(FwUploadError.CANCELED, "cancelled by the user");
        }
        if (n == failWrite) {
            throw new FwUploadException(writeError, "scripted write failure");
        }
        return zeroWrite ? 0 : Math.min(chunk, size);
    }

    @Override
    public void pollComplete(FwUpload upload) throws FwUploadException {
        calls.add("poll");
        if (pollError != null) {
            throw new FwUploadException(pollError, "scripted poll failure");
        }
    }

    @Override
    public void cancel(FwUpload upload) throws KernelException {
        calls.add("cancel");
        if (critical) {
            throw new KernelException(Errno.EBUSY, "switching boot slots: cannot cancel now");
        }
        cancelled = true;
    }

    @Override
    public void cleanup(FwUpload upload) {
        calls.add("cleanup");
    }

    /** Writes entered so far. */
    long writesEntered() {
        return calls.stream().filter(c -> c.startsWith("write")).count();
    }
}
