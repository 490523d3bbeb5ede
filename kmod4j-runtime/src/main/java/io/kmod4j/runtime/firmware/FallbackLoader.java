package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.internal.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The analogue of Linux's sysfs fallback loader ({@code fallback.c}): a request that the
 * filesystem could not answer waits here until someone supplies the image
 * ({@link #load}, i.e. {@code kmod4j fw load NAME FILE}, Linux's {@code loading}/{@code data}
 * files), aborts it ({@link #abort}, {@code echo -1 > loading}), or the timeout passes.
 * Requests for the same name wait together and get the same answer.
 *
 * <p>Outcomes for a waiter, as Linux's: supplied → the image; aborted or timed out →
 * {@code EAGAIN}; interrupted → {@code EINTR}.
 *
 * <p>Timeouts run on the injected {@link Scheduler}, so a manual clock drives them in tests.
 * Thread-safe: one lock guards the pending map; nobody waits under it.
 */
final class FallbackLoader {

    private final class Pending {
        final String name;
        final String device;
        final long since;
        final CompletableFuture<LoadedImage> result = new CompletableFuture<>();
        Scheduler.Scheduled timer;
        int waiters;

        Pending(String name, String device, long since) {
            this.name = name;
            this.device = device;
            this.since = since;
        }
    }

    private final Scheduler scheduler;
    private final Duration timeout;
    private final long maxImageBytes;
    private final FwLog log;
    private final Map<String, Pending> pending = new LinkedHashMap<>(); // guarded by this

    FallbackLoader(Scheduler scheduler, Duration timeout, long maxImageBytes, FwLog log) {
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.maxImageBytes = maxImageBytes;
        this.log = log;
    }

    /**
     * Waits for {@code name} to be supplied ({@code fw_load_sysfs_fallback}). May block up to the
     * timeout.
     *
     * @throws KernelException {@code EAGAIN} aborted or timed out, {@code EINTR} interrupted
     *     (interrupt status kept)
     */
    LoadedImage await(String name, Device dev) throws KernelException {
        Pending p;
        boolean first;
        synchronized (this) {
            p = pending.get(name);
            first = p == null;
            if (first) {
                p = new Pending(name, dev == null ? "" : dev.name(), scheduler.nanoTime());
                pending.put(name, p);
                if (!timeout.isZero()) {
                    Pending timed = p;
                    p.timer = scheduler.schedule(() -> expire(timed), timeout);
                }
            }
            p.waiters++;
        }
        if (first) {
            log.info(dev, "firmware " + name + ": waiting " + (timeout.isZero() ? "without a time limit"
                    : "up to " + timeout.toSeconds() + " s") + " for the fallback loader (kmod4j fw load " + name + " FILE)");
        }
        try {
            return p.result.get();
        } catch (InterruptedException e) {
            leave(p);
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, "interrupted while waiting for the fallback loader to supply firmware "
                    + name, e);
        } catch (ExecutionException e) {
            KernelException k = (KernelException) e.getCause();
            throw new KernelException(k.errno(), k.getMessage(), k);
        }
    }

    /** An interrupted waiter leaves; the last one to leave withdraws the request. */
    private void leave(Pending p) {
        synchronized (this) {
            if (--p.waiters > 0 || pending.get(p.name) != p) {
                return;
            }
            pending.remove(p.name);
            if (p.timer != null) {
                p.timer.cancel();
            }
        }
    }

    private void expire(Pending p) {
        synchronized (this) {
            if (!pending.remove(p.name, p)) {
                return;
            }
        }
        log.warn(null, "firmware " + p.name + ": the fallback loader supplied nothing within " + timeout.toSeconds()
                + " s; giving up");
        p.result.completeExceptionally(new KernelException(Errno.EAGAIN, "firmware " + p.name
                + ": the fallback loader timed out after " + timeout.toMillis() + " ms"));
    }

    /**
     * Supplies the image for every request waiting for {@code name} (writing {@code data} then
     * {@code 0 > loading}). The bytes are copied.
     *
     * @throws KernelException {@code ENOENT} nobody waits for it; {@code EINVAL} empty;
     *     {@code EFBIG} beyond the image limit. The waiters keep waiting after a refusal.
     */
    void load(String name, java.nio.ByteBuffer data, java.nio.file.Path source) throws KernelException {
        if (!data.hasRemaining()) {
            throw new KernelException(Errno.EINVAL, "firmware " + name + ": an empty image cannot be loaded");
        }
        if (data.remaining() > maxImageBytes) {
            throw new KernelException(Errno.EFBIG, "firmware " + name + ": " + data.remaining()
                    + " bytes is more than the image limit of " + maxImageBytes + " bytes");
        }
        Pending p = take(name);
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        p.result.complete(new LoadedImage(name, copy, null));
        log.info(null, "firmware " + name + ": " + copy.limit() + " bytes supplied by the fallback loader"
                + (source == null ? "" : " from " + source));
    }

    /**
     * Aborts the requests waiting for {@code name} ({@code echo -1 > loading}); they fail with
     * {@code EAGAIN}.
     *
     * @throws KernelException {@code ENOENT} nobody waits for it
     */
    void abort(String name) throws KernelException {
        Pending p = take(name);
        log.info(null, "firmware " + name + ": the fallback load was aborted");
        p.result.completeExceptionally(new KernelException(Errno.EAGAIN, "firmware " + name
                + ": the fallback load was aborted"));
    }

    private Pending take(String name) throws KernelException {
        synchronized (this) {
            Pending p = pending.remove(name);
            if (p == null) {
                throw new KernelException(Errno.ENOENT, "no request is waiting for firmware " + name);
            }
            if (p.timer != null) {
                p.timer.cancel();
            }
            return p;
        }
    }

    synchronized List<PendingFallback> pending() {
        long now = scheduler.nanoTime();
        List<PendingFallback> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            out.add(new PendingFallback(p.name, p.device, p.waiters, Duration.ofNanos(Math.max(0, now - p.since)), timeout));
        }
        return out;
    }
}
