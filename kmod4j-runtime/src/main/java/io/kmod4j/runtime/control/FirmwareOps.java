package io.kmod4j.runtime.control;

import static io.kmod4j.runtime.control.Json.ordered;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.runtime.firmware.FirmwareLoader;
import io.kmod4j.runtime.firmware.PendingFallback;
import io.kmod4j.runtime.firmware.UploadStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The firmware loader's ops ({@code kmod4j fw ...}): the search path, held images, the fallback
 * loader (the sysfs {@code loading}/{@code data} files' analogue) and firmware uploads
 * ({@code /sys/class/firmware/NAME/} of {@code fw_upload} devices). Thin adapters to
 * {@link FirmwareLoader}; its {@code KernelException}s pass through with their errno.
 *
 * <table>
 *   <caption>ops</caption>
 *   <tr><th>op</th><th>args</th><th>result</th></tr>
 *   <tr><td>fw.path</td><td>{@code path} (optional: absolute directory, or {@code ""} for none)
 *       </td><td>{@code {"override","searchPath":[..]}}, after setting</td></tr>
 *   <tr><td>fw.held</td><td>none</td><td>{@code {"images":[{"name","size","holders","source"}..]}}</td></tr>
 *   <tr><td>fw.load</td><td>{@code name}, {@code path} (absolute file)</td><td>{@code {"name","path"}}</td></tr>
 *   <tr><td>fw.abort</td><td>{@code name}</td><td>{@code {"name"}}</td></tr>
 *   <tr><td>fw.pending</td><td>none</td><td>{@code {"pending":[pending..]}}</td></tr>
 *   <tr><td>fw.upload</td><td>{@code name} (upload or device), {@code path} (absolute file),
 *       {@code wait} (bool, default false)</td><td>upload status right after the start; with
 *       {@code wait} then a stream: one status per change until the upload is idle again (the last
 *       streamed status is idle), then {@code {"outcome","upload","elapsedNanos","errno"}}</td></tr>
 *   <tr><td>fw.status</td><td>{@code name} (optional)</td><td>that upload's status, or
 *       {@code {"uploads":[status..]}}</td></tr>
 *   <tr><td>fw.cancel</td><td>{@code name}</td><td>the upload's status after asking</td></tr>
 * </table>
 * Shapes: {@link Json#encode(UploadStatus)}, {@link Json#encode(PendingFallback)},
 * {@link Json#encode(ControlClient.UploadResult)}.
 */
final class FirmwareOps {

    /** How often a waiting {@code fw.upload} looks at the upload even when nothing was reported. */
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private FirmwareOps() {}

    static void addTo(ControlOps ops) {
        ops.register("fw.path", List.of("path"), FirmwareOps::path)
                .register("fw.held", List.of(), FirmwareOps::held)
                .register("fw.load", List.of("name", "path"), FirmwareOps::load)
                .register("fw.abort", List.of("name"), FirmwareOps::abort)
                .register("fw.pending", List.of(), FirmwareOps::pending)
                .register("fw.upload", List.of("name", "path", "wait"), FirmwareOps::upload)
                .register("fw.status", List.of("name"), FirmwareOps::status)
                .register("fw.cancel", List.of("name"), FirmwareOps::cancel);
    }

    private static Object path(Request r) throws Exception {
        FirmwareLoader fw = r.kernel().firmware();
        JsonObject a = r.args();
        if (a.has("path")) {
            // Relative paths are refused: the daemon's working directory is not the client's.
            String dir = a.string("path").isEmpty() ? "" : a.absolutePath("path").toString();
            fw.setOverridePath(dir);
        }
        return ordered("override", fw.overridePath(),
                "searchPath", fw.searchPath().stream().map(Path::toString).toList());
    }

    private static Object held(Request r) {
        List<Object> images = new ArrayList<>();
        for (FirmwareLoader.HeldImage h : r.kernel().firmware().heldImages()) {
            images.add(Json.encode(h));
        }
        return ordered("images", images);
    }

    private static Object load(Request r) throws Exception {
        String name = name(r.args(), "name");
        Path file = r.args().absolutePath("path");
        r.kernel().firmware().loadFallback(name, file);
        return ordered("name", name, "path", file.toString());
    }

    private static Object abort(Request r) throws Exception {
        String name = name(r.args(), "name");
        r.kernel().firmware().abortFallback(name);
        return ordered("name", name);
    }

    private static Object pending(Request r) {
        List<Object> out = new ArrayList<>();
        for (PendingFallback p : r.kernel().firmware().pendingFallbacks()) {
            out.add(Json.encode(p));
        }
        return ordered("pending", out);
    }

    private static Object status(Request r) throws Exception {
        FirmwareLoader fw = r.kernel().firmware();
        if (r.args().has("name")) {
            return Json.encode(fw.uploadStatus(name(r.args(), "name")));
        }
        List<Object> out = new ArrayList<>();
        for (UploadStatus s : fw.uploads()) {
            out.add(Json.encode(s));
        }
        return ordered("uploads", out);
    }

    private static Object cancel(Request r) throws Exception {
        FirmwareLoader fw = r.kernel().firmware();
        String name = name(r.args(), "name");
        fw.cancelUpload(name);
        return Json.encode(fw.uploadStatus(name));
    }

    // ------------------------------------------------------------------ fw.upload

    private static Object upload(Request r) throws Exception {
        JsonObject a = r.args();
        String name = name(a, "name");
        Path file = a.absolutePath("path");
        boolean wait = a.bool("wait", false);
        FirmwareLoader fw = r.kernel().firmware();
        String upload = fw.uploadStatus(name).name(); // the device's upload, if a device was named
        long started = System.nanoTime();
        // The upload's own view, not a second lookup by name: the device may be removed (and the
        // upload unregistered) at any moment from here, and the client must still learn how its
        // upload ended rather than get ENOENT for a name that was just there.
        Supplier<UploadStatus> view = fw.upload(upload, file);
        UploadStatus first = view.get();
        if (!wait) {
            return Json.encode(first);
        }
        return new Streamed(Json.encode(first), sink -> follow(fw, upload, view, first, started, sink));
    }

    /**
     * Streams the upload's changes until it is idle, then its outcome.
     *
     * <p>The listener is registered here, after the reply, so that a reply that cannot be written
     * leaves no listener behind. Reports made before it was registered are not lost: the
     * upload's snapshot is read on every round (after each batch of reports, and every
     * {@link #RECHECK} without one) and sent when it is newer than what was sent. The snapshot
     * alone decides the end: idle reports are not streamed, since one could be a previous upload's
     * arriving late from its worker; the idle snapshot is, and closes the stream. The snapshot is
     * read from the upload's own view, which still answers once the upload is unregistered (its
     * device removed, its driver unloaded), with the state it ended in. A report older than one
     * already sent (the snapshot overtook it) is dropped, so states and bytes written only move forward;
     * reports that only lower the remaining size are coalesced when several are queued, so a slow
     * client never falls behind a fast upload (listeners only enqueue).
     */
    private static void follow(FirmwareLoader fw, String upload, Supplier<UploadStatus> view, UploadStatus first,
            long started, Streamed.Sink sink) throws Exception {
        BlockingQueue<UploadStatus> changes = new LinkedBlockingQueue<>();
        UploadStatus last = first;
        try (AutoCloseable watch = fw.watchUploads(s -> {
            if (s.name().equals(upload)) {
                changes.add(s);
            }
        })) {
            UploadStatus head = null;
            while (true) {
                // The snapshot first, then the batch: once the snapshot is idle, every busy report
                // of the upload is already queued, since the worker reports each state before it
                // publishes the next and publishes idle last.
                UploadStatus now = view.get();
                last = send(drain(changes, head), sink, last);
                if (newer(now, last)) {
                    sink.send(Json.encode(now));
                    last = now;
                }
                if (!now.busy()) {
                    break;
                }
                head = changes.poll(RECHECK.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        sink.send(Json.encode(new ControlClient.UploadResult(last, elapsed, errnoOf(last.error()).orElse(null))));
    }

    /** {@code head} (if any), then everything queued, in order. */
    private static List<UploadStatus> drain(BlockingQueue<UploadStatus> changes, UploadStatus head) {
        List<UploadStatus> batch = new ArrayList<>();
        if (head != null) {
            batch.add(head);
        }
        changes.drainTo(batch);
        return batch;
    }

    /**
     * Sends the newer busy reports of a batch, skipping one that the next only advances (idle is
     * left to the snapshot). Returns the last sent.
     */
    private static UploadStatus send(List<UploadStatus> batch, Streamed.Sink sink, UploadStatus last) throws Exception {
        for (int i = 0; i < batch.size(); i++) {
            UploadStatus s = batch.get(i);
            if (!s.busy()) {
                continue;
            }
            boolean superseded = i + 1 < batch.size() && sameStep(s, batch.get(i + 1));
            if (!superseded && newer(s, last)) {
                sink.send(Json.encode(s));
                last = s;
            }
        }
        return last;
    }

    private static boolean sameStep(UploadStatus a, UploadStatus b) {
        return a.progress() == b.progress() && a.error().equals(b.error()) && a.size() == b.size();
    }

    /** Whether {@code s} comes after {@code last} in one upload: a later state, more bytes, or an error that appeared. */
    private static boolean newer(UploadStatus s, UploadStatus last) {
        int a = rank(s.progress());
        int b = rank(last.progress());
        if (a != b) {
            return a > b;
        }
        if (s.written() != last.written()) {
            return s.written() > last.written();
        }
        return !s.error().isEmpty() && last.error().isEmpty();
    }

    /** Where a state falls in one upload: idle comes last (it ends it). */
    private static int rank(FwUploadProgress p) {
        return switch (p) {
            case RECEIVING -> 1;
            case PREPARING -> 2;
            case TRANSFERRING -> 3;
            case PROGRAMMING -> 4;
            case IDLE -> 5;
        };
    }

    /**
     * The errno a failed upload reports to a command line, from its error string
     * {@code "<progress>:<error>"}: {@code hw-error} and {@code read-write-error} EIO,
     * {@code timeout} ETIMEDOUT, {@code user-abort} ECANCELED, {@code device-busy} EBUSY,
     * {@code invalid-file-size} EFBIG, {@code flash-wearout} ENOSPC, {@code firmware-invalid}
     * EBADMSG. Linux's {@code fw_upload} has only the strings; these are the errnos its drivers
     * return for the same conditions.
     *
     * @return empty for an empty string (no error)
     */
    static Optional<Errno> errnoOf(String error) {
        if (error.isEmpty()) {
            return Optional.empty();
        }
        String word = error.substring(error.indexOf(':') + 1);
        FwUploadError e = FwUploadError.ofText(word).orElse(FwUploadError.HW_ERROR);
        return Optional.of(switch (e) {
            case NONE, HW_ERROR, RW_ERROR -> Errno.EIO;
            case TIMEOUT -> Errno.ETIMEDOUT;
            case CANCELED -> Errno.ECANCELED;
            case BUSY -> Errno.EBUSY;
            case INVALID_SIZE -> Errno.EFBIG;
            case WEAROUT -> Errno.ENOSPC;
            case FW_INVALID -> Errno.EBADMSG;
        });
    }

    /** A firmware or upload name: a non-empty string without NUL (the loader checks the rest). */
    private static String name(JsonObject a, String field) throws KernelException {
        String s = a.string(field);
        if (s.isEmpty() || s.indexOf('\0') >= 0) {
            throw a.fail("field '" + a.at(field) + "' must be a non-empty name" + (s.isEmpty() ? "" : " without NUL"));
        }
        return s;
    }
}
