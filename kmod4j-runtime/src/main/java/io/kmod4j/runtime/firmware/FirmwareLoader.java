package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.firmware.FirmwareCallback;
import io.kmod4j.firmware.FirmwareRequest;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadOps;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.firmware.ImageReader.Format;
import io.kmod4j.runtime.firmware.ImageReader.Sink;
import io.kmod4j.runtime.module.LoadedModule;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One kernel's firmware loader and firmware-upload registry ({@code drivers/base/firmware_loader}):
 * what {@link Firmware} and {@link FwUpload} reach through {@link FirmwareProvider}, and the
 * operations the kernel offers on them ({@code kmod4j fw ...}).
 *
 * <p><b>Requests</b> ({@link #request}): the name is checked first ({@code EINVAL}); an image
 * that someone still holds is shared, not read again (requests for a name being loaded wait for
 * that load and share its outcome); otherwise the filesystem is searched as
 * {@link FirmwareSearch} describes, and on failure "Direct firmware load for NAME failed with
 * error N" is logged (not for the no-warn variants) and, if the request and the configuration
 * allow it, the request waits for the fallback loader. Images are read into a buffer of exactly
 * their size; their SHA-256 is computed on first use.
 *
 * <p><b>Asynchronous requests</b> ({@link #requestNowait}) pin the calling module until their
 * callback has returned, belong to it (its {@code rmmod} cancels them if not started and waits
 * for them otherwise), run on its kworkers and call back as it.
 *
 * <p><b>Uploads</b> ({@link #registerUpload}, {@link #upload}, {@link #cancelUpload}) follow
 * {@code sysfs_upload.c}; see {@link UploadStatus} for what is visible.
 *
 * <p>Thread-safe. Nothing blocks under a lock of the loader, and no user code (callbacks, upload
 * ops, listeners) runs under one.
 */
public final class FirmwareLoader implements FirmwareProvider {

    /* Overview
     *
     * FirmwareSearch   names, the search path, the filesystem search
     * ImageReader      one file: plain, zstd or xz, capped
     * ImageCache       held images by name, with reference counts
     * FallbackLoader   requests waiting for `kmod4j fw load`
     * NowaitRequest    one request_firmware_nowait (an OwnedResource)
     * UploadRegistry   uploads by name; UploadImpl is one upload (an OwnedResource)
     */

    private final FirmwareConfig config;
    private final FwLog log;
    private final FirmwareSearch search;
    private final ImageCache cache = new ImageCache();
    private final FallbackLoader fallback;
    private final UploadRegistry uploads;
    private final Sink cacheSink;

    /**
     * @param config where to search and the limits
     * @param log the kernel log (lines without a device go there as {@code firmware_class})
     * @param scheduler the kernel's clock and timer, for fallback timeouts
     * @throws IllegalArgumentException if the configured override path is not acceptable
     */
    public FirmwareLoader(FirmwareConfig config, LogRing log, Scheduler scheduler) {
        this.config = Objects.requireNonNull(config, "config");
        this.log = new FwLog(Objects.requireNonNull(log, "log"));
        try {
            this.search = new FirmwareSearch(config, this.log);
        } catch (KernelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.fallback = new FallbackLoader(Objects.requireNonNull(scheduler, "scheduler"), config.fallbackTimeout(),
                config.maxImageBytes(), this.log);
        this.uploads = new UploadRegistry(this.log);
        this.cacheSink = new Sink() {
            @Override
            public long limit() {
                return config.maxImageBytes();
            }

            @Override
            public String describeLimit() {
                return "the image limit of " + config.maxImageBytes() + " bytes";
            }

            @Override
            public ByteBuffer allocate(int size, Path file) throws KernelException {
                try {
                    return ByteBuffer.allocateDirect(size);
                } catch (OutOfMemoryError e) {
                    throw new KernelException(Errno.ENOMEM, "no memory for the " + size + " bytes of " + file, e);
                }
            }
        };
    }

    public FirmwareConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ FirmwareProvider: requests

    /**
     * {@code _request_firmware} for {@code request_firmware}, {@code firmware_request_nowarn} and
     * {@code request_firmware_direct} (the flags say which). May block: disk, decompression, a
     * load of the same name by another request, the fallback loader up to its timeout.
     *
     * @throws KernelException {@code EINVAL} bad name, {@code ENOENT} not found, {@code EFBIG}
     *     beyond a limit, {@code EACCES} outside its root, {@code EAGAIN} fallback aborted or
     *     timed out, {@code EINTR} interrupted (interrupt status kept), {@code ENOMEM}
     */
    @Override
    public Firmware request(String name, Device dev, int flags) throws KernelException {
        search.validate(name, dev);
        ImageCache.Join join = cache.join(name);
        ImageCache.Entry entry = join.entry();
        if (!join.created()) {
            LoadedImage shared;
            try {
                shared = ImageCache.await(entry);
            } catch (KernelException e) {
                cache.release(entry);
                throw e;
            }
            return handle(entry, shared);
        }
        LoadedImage image;
        try {
            image = load(name, dev, flags, cacheSink);
        } catch (KernelException | RuntimeException | Error e) {
            cache.forget(entry);
            entry.image.completeExceptionally(e);
            throw e;
        }
        entry.image.complete(image);
        return handle(entry, image);
    }

    private FirmwareHandle handle(ImageCache.Entry entry, LoadedImage image) {
        return new FirmwareHandle(image, () -> cache.release(entry));
    }

    /** The filesystem, then (if allowed) the fallback loader. */
    private LoadedImage load(String name, Device dev, int flags, Sink sink) throws KernelException {
        try {
            FirmwareSearch.Found found = search.search(name, dev, sink);
            return new LoadedImage(name, found.data(), found.source());
        } catch (KernelException e) {
            if (e.errno() == Errno.EINTR) {
                throw e;
            }
            if ((flags & NO_WARN) == 0) {
                log.warn(dev, "Direct firmware load for " + name + " failed with error " + e.errno().code());
            }
            if (!config.fallbackEnabled() || (flags & NO_FALLBACK) != 0) {
                throw e;
            }
            return fallback.await(name, dev);
        }
    }

    /**
     * {@code request_firmware_into_buf}: loads into {@code buffer} from its position, which does
     * not move; the returned firmware's data is a read-only view of those bytes and its close
     * frees nothing. Never shares and never caches.
     *
     * @throws IllegalArgumentException {@code buffer} is read-only
     * @throws KernelException {@code EOPNOTSUPP} the image is held (a cache entry exists),
     *     {@code EFBIG} it does not fit {@code buffer.remaining()}, or as {@link #request}
     */
    @Override
    public Firmware requestIntoBuffer(String name, Device dev, ByteBuffer buffer) throws KernelException {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("requestIntoBuffer: the buffer for " + name + " is read-only");
        }
        search.validate(name, dev);
        if (cache.holds(name)) {
            throw new KernelException(Errno.EOPNOTSUPP, "firmware " + name
                    + " is held by another request; requestIntoBuffer does not share cached images");
        }
        int at = buffer.position();
        int room = buffer.remaining();
        Sink into = new Sink() {
            @Override
            public long limit() {
                return Math.min(room, config.maxImageBytes());
            }

            @Override
            public String describeLimit() {
                return room <= config.maxImageBytes() ? "the buffer's " + room + " bytes"
                        : "the image limit of " + config.maxImageBytes() + " bytes";
            }

            @Override
            public ByteBuffer allocate(int size, Path file) {
                return buffer.slice(at, size);
            }
        };
        LoadedImage image = load(name, dev, UEVENT, into);
        if (image.source().isEmpty()) { // from the fallback loader: copy it in
            if (image.size() > room) {
                throw new KernelException(Errno.EFBIG, "firmware " + name + " is " + image.size()
                        + " bytes, more than the buffer's " + room);
            }
            buffer.slice(at, image.size()).put(image.data());
            image = new LoadedImage(name, buffer.slice(at, image.size()), null);
        }
        return new FirmwareHandle(image, () -> { });
    }

    /**
     * {@code request_firmware_nowait}: pins the calling module, queues the lookup on its kworkers
     * and returns; the callback runs exactly once, as the module, unless the request is cancelled
     * first. The module reference is put after the callback returns, so {@code rmmod} of the
     * module meanwhile is refused ({@code EWOULDBLOCK}) unless forced.
     *
     * @throws KernelException {@code EINVAL} bad name; {@code EFAULT} the module is going away;
     *     {@code ENODEV} the owner takes nothing new; {@code ENOMEM} no kworker would take it
     */
    @Override
    public FirmwareRequest requestNowait(String name, Device dev, boolean noWarn, FirmwareCallback callback)
            throws KernelException {
        Objects.requireNonNull(callback, "callback");
        search.validate(name, dev);
        Owner owner = Ownership.current();
        LoadedModule module = owner instanceof LoadedModule m ? m : null;
        if (module != null && !module.tryGet()) {
            throw new KernelException(Errno.EFAULT, "module " + module.name()
                    + " is going away; cannot request firmware " + name);
        }
        int flags = UEVENT | (noWarn ? NO_WARN : 0);
        NowaitRequest r = new NowaitRequest(name, dev, () -> request(name, dev, flags), callback, owner, module);
        try {
            owner.adopt(r);
        } catch (KernelException e) {
            if (module != null) {
                module.put();
            }
            throw e;
        }
        try {
            owner.workExecutor().execute(r);
        } catch (RejectedExecutionException e) {
            r.requestStop(); // gives back the reference and the ownership
            throw new KernelException(Errno.ENOMEM, "no kworker would take the request for firmware " + name, e);
        }
        return r;
    }

    // ------------------------------------------------------------------ FirmwareProvider: uploads

    /**
     * {@code firmware_upload_register} for the current owner, which keeps a module reference
     * until the upload is closed.
     *
     * @throws KernelException {@code EINVAL} no device, empty name or no ops; {@code EEXIST}
     *     name taken; {@code EFAULT} the module is going away
     */
    @Override
    public FwUpload registerUpload(Device parent, String name, FwUploadOps ops) throws KernelException {
        return uploads.register(parent, name, ops);
    }

    // ------------------------------------------------------------------ the kernel's operations

    /** The override directory ({@code firmware_class.path}); empty for none. */
    public String overridePath() {
        return search.override();
    }

    /**
     * Sets the override directory ({@code echo DIR > /sys/module/firmware_class/parameters/path}).
     * Takes effect for searches that start afterwards.
     *
     * @param path one directory; one trailing newline is dropped; empty for none
     * @throws KernelException {@code ENOSPC} longer than 255 characters, {@code EINVAL} not a path
     */
    public void setOverridePath(String path) throws KernelException {
        search.setOverride(Objects.requireNonNull(path, "path"));
    }

    /** The directories searched now, in order (the suffixes are tried over the whole list). */
    public List<Path> searchPath() {
        return search.searchPath().stream().map(FirmwareSearch.Dir::path).toList();
    }

    /** The suffixes tried, in order: {@code ""}, {@code ".zst"}, {@code ".xz"}. */
    public static List<String> suffixes() {
        return java.util.Arrays.stream(Format.values()).map(f -> f.suffix).toList();
    }

    /** Images held now (shared by later requests), by name. */
    public List<HeldImage> heldImages() {
        return cache.held().stream().map(h -> new HeldImage(h.name(), h.size(), h.holders(), h.source())).toList();
    }

    /**
     * An image that someone holds.
     *
     * @param name the firmware name
     * @param size its size in bytes
     * @param holders how many handles are open on it
     * @param source the file it was read from, or {@code "(fallback)"}
     */
    public record HeldImage(String name, int size, int holders, String source) {}

    /** Requests waiting for the fallback loader, oldest first. */
    public List<PendingFallback> pendingFallbacks() {
        return fallback.pending();
    }

    /**
     * Supplies {@code image} to the requests waiting for {@code name} ({@code kmod4j fw load}).
     *
     * @throws KernelException {@code ENOENT} nobody waits for it, {@code EINVAL} empty,
     *     {@code EFBIG} beyond the image limit
     */
    public void loadFallback(String name, byte[] image) throws KernelException {
        fallback.load(name, ByteBuffer.wrap(image), null);
    }

    /**
     * Supplies the contents of {@code file} (read as it is, not decompressed) to the requests
     * waiting for {@code name}.
     *
     * @throws KernelException as {@link #loadFallback(String, byte[])}, and the errors of reading
     *     the file ({@code ENOENT}, {@code EACCES}, {@code EINVAL} empty, {@code EFBIG}, {@code EIO})
     */
    public void loadFallback(String name, Path file) throws KernelException {
        ByteBuffer data = readWhole(file);
        fallback.load(name, data, file);
    }

    /**
     * Aborts the requests waiting for {@code name}; they fail with {@code EAGAIN}.
     *
     * @throws KernelException {@code ENOENT} nobody waits for it
     */
    public void abortFallback(String name) throws KernelException {
        fallback.abort(name);
    }

    /**
     * Starts an upload of {@code image} to the upload called {@code uploadName} (or the only
     * upload of the device of that name), like writing its {@code data} and {@code loading}
     * files. Does not wait for it: watch {@link #uploadStatus}, {@link #watchUploads} or
     * {@link #awaitUpload}, or read the returned view.
     *
     * @return the state of this upload from now on. Unlike {@link #uploadStatus}, which looks the
     *     name up each time, it keeps answering after the upload is unregistered (its device
     *     removed, its driver unloaded), with the state the upload ended in: so whoever follows an
     *     upload to its end learns how it ended even if it went away in between.
     * @throws KernelException {@code ENOENT} no such upload, {@code EBUSY} one runs,
     *     {@code ENODEV} being unregistered, {@code EFBIG} beyond the image limit
     */
    public Supplier<UploadStatus> upload(String uploadName, byte[] image) throws KernelException {
        if (image.length > config.maxImageBytes()) {
            throw new KernelException(Errno.EFBIG, "fw_upload " + uploadName + ": " + image.length
                    + " bytes is more than the image limit of " + config.maxImageBytes() + " bytes");
        }
        UploadImpl u = uploads.find(uploadName);
        u.start(ByteBuffer.wrap(image.clone()));
        return u::status;
    }

    /**
     * As {@link #upload(String, byte[])} with the contents of {@code file}, read as it is.
     *
     * @throws KernelException also the errors of reading the file
     */
    public Supplier<UploadStatus> upload(String uploadName, Path file) throws KernelException {
        UploadImpl u = uploads.find(uploadName);
        u.start(readWhole(file));
        return u::status;
    }

    /**
     * The state of one upload; never blocks.
     *
     * @throws KernelException {@code ENOENT} no such upload
     */
    public UploadStatus uploadStatus(String uploadName) throws KernelException {
        return uploads.find(uploadName).status();
    }

    /**
     * The {@code error} file: {@code "<progress>:<error>"} of the last upload, empty if it
     * succeeded or none ran.
     *
     * @throws KernelException {@code ENOENT} no such upload, {@code EBUSY} one runs
     */
    public Optional<String> uploadError(String uploadName) throws KernelException {
        return uploads.find(uploadName).error();
    }

    /**
     * {@code echo 1 > cancel}: asks the driver to stop the running upload. May block as long as
     * the driver's {@code cancel} op does; does not wait for the upload to end.
     *
     * @throws KernelException {@code ENOENT} no such upload, {@code ENODEV} none runs (the
     *     driver's cancel is called anyway), {@code EBUSY} the device is in a critical section
     */
    public void cancelUpload(String uploadName) throws KernelException {
        uploads.find(uploadName).cancel();
    }

    /** Every registered upload, in registration order. */
    public List<UploadStatus> uploads() {
        return uploads.list();
    }

    /**
     * Waits until the upload is idle (its current upload, if any, has ended).
     *
     * @return its state then; still busy if {@code timeout} passed first (zero or less: no wait)
     * @throws KernelException {@code ENOENT} no such upload
     * @throws InterruptedException if interrupted while waiting
     */
    public UploadStatus awaitUpload(String uploadName, Duration timeout) throws KernelException, InterruptedException {
        UploadImpl u = uploads.find(uploadName);
        u.awaitIdle(timeout);
        return u.status();
    }

    /**
     * Calls {@code listener} after every change of every upload: each state, each write (bytes
     * written so far), each error. Called on the thread that made the change, outside every lock;
     * must be quick. Exceptions it throws are logged and ignored.
     *
     * @return closing it stops the calls
     */
    public AutoCloseable watchUploads(Consumer<UploadStatus> listener) {
        return uploads.watch(Objects.requireNonNull(listener, "listener"));
    }

    /** A whole file, as it is, for the fallback loader and uploads. */
    private ByteBuffer readWhole(Path file) throws KernelException {
        Path real;
        try {
            real = file.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KernelException(Errno.ENOENT, file + ": no such file", e);
        } catch (java.io.IOException e) {
            throw new KernelException(Errno.EIO, "resolving " + file + " failed: " + e, e);
        }
        if (!java.nio.file.Files.isRegularFile(real)) {
            throw new KernelException(Errno.EINVAL, file + " is not a regular file");
        }
        return search.reader().read(real, Format.PLAIN, cacheSink);
    }

    @Override
    public String toString() {
        return "firmware loader (search path " + searchPath() + ")";
    }
}
