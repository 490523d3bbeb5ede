package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import io.kmod4j.runtime.firmware.FirmwareLoader;
import io.kmod4j.runtime.firmware.PendingFallback;
import io.kmod4j.runtime.firmware.UploadStatus;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j fw ...}: the daemon's firmware loader (search path, held images, the fallback
 * loader) and firmware uploads, plus {@code fw pack} and {@code fw keygen}, which build images
 * and signing keys without a daemon. Listing verbs print a {@link Table}; the others are quiet on
 * success, as sysfs writes are, and print the op's result with {@code --json}.
 */
@Command(name = "fw", mixinStandardHelpOptions = true,
        description = "Firmware: the daemon's search path, held images, the fallback loader and firmware uploads; "
                + "fw pack and fw keygen build images and keys without a daemon.",
        subcommands = {
            FwCommand.PathVerb.class,
            FwCommand.Held.class,
            FwCommand.Load.class,
            FwCommand.Abort.class,
            FwCommand.Pending.class,
            FwUploadCommand.class,
            FwCommand.Status.class,
            FwCommand.Cancel.class,
            FwImageCommands.Pack.class,
            FwImageCommands.Keygen.class})
final class FwCommand {

    /** A path argument made absolute against this process's directory (the daemon's differs). */
    static Path absolute(Verb verb, String what, String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw verb.usage(what + " is not a valid path: " + e.getMessage());
        }
    }

    /** Seconds with one decimal and a unit, as tables show durations: {@code 2.5s}. */
    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toNanos() / 1e9);
    }

    /**
     * {@code kmod4j fw path [DIR]}: prints {@code override: DIR} (or {@code override: (none)}) and
     * then the directories searched, one per line, first hit wins; with DIR sets the override
     * first and prints nothing.
     */
    @Command(name = "path", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Show the firmware search path, or set the override directory searched before it (firmware_class.path).",
                "Without DIR prints 'override: DIR' (or 'override: (none)'), then each directory searched, in order; "
                        + "each is tried for NAME, NAME.zst, NAME.xz.",
                "With DIR sets the override and prints nothing; '' clears it. --json prints {\"override\",\"searchPath\":[..]}."})
    static final class PathVerb extends Verb {

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
                description = "The override directory; relative to the current directory; '' for none.")
        String dir;

        @Override
        public Integer call() throws KernelException {
            ControlClient.FwPath p;
            try (ControlClient client = connect()) {
                if (dir == null) {
                    p = client.fwPath();
                } else {
                    p = client.setFwPath(dir.isEmpty() ? null : absolute(this, "DIR", dir));
                }
            }
            if (options.json()) {
                printJson(Json.ordered("override", p.override(), "searchPath", p.searchPath().stream().map(Path::toString).toList()));
            } else if (dir == null) {
                out().println("override: " + (p.override().isEmpty() ? "(none)" : p.override()));
                p.searchPath().forEach(out()::println);
                out().flush();
            }
            return Kmod4j.EXIT_OK;
        }
    }

    /** {@code kmod4j fw held}: NAME, SIZE (bytes), HOLDERS, SOURCE of every image someone holds. */
    @Command(name = "held", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "List the firmware images held now (shared by later requests until released): NAME, SIZE in bytes, HOLDERS, SOURCE.",
                "--json prints {\"images\":[{\"name\",\"size\",\"holders\",\"source\"}..]}."})
    static final class Held extends Verb {

        @Override
        public Integer call() throws KernelException {
            List<FirmwareLoader.HeldImage> images;
            try (ControlClient client = connect()) {
                images = client.fwHeld();
            }
            if (options.json()) {
                List<Object> out = new ArrayList<>();
                images.forEach(h -> out.add(Json.encode(h)));
                printJson(Json.ordered("images", out));
                return Kmod4j.EXIT_OK;
            }
            Table t = new Table("NAME", "SIZE", "HOLDERS", "SOURCE");
            images.forEach(h -> t.row(h.name(), h.size(), h.holders(), h.source()));
            out().print(t.format());
            out().flush();
            return Kmod4j.EXIT_OK;
        }
    }

    /** {@code kmod4j fw load NAME FILE}: the fallback loader's {@code loading}/{@code data} files. */
    @Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Answer the requests waiting for firmware NAME with FILE, read as it is (the sysfs fallback loader's analogue).",
                "Prints nothing on success; --json prints {\"name\",\"path\"}.",
                "Fails with ENOENT if no request waits for NAME (see fw pending), EINVAL if FILE is empty, EFBIG if it is too large."})
    static final class Load extends Verb {

        @Parameters(index = "0", paramLabel = "NAME", description = "The firmware name a request waits for, as fw pending shows it.")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "The image; relative to the current directory.")
        String file;

        @Override
        public Integer call() throws KernelException {
            Path path = absolute(this, "FILE", file);
            try (ControlClient client = connect()) {
                client.fwLoad(name, path);
            }
            if (options.json()) {
                printJson(Json.ordered("name", name, "path", path.toString()));
            }
            return Kmod4j.EXIT_OK;
        }
    }

    /** {@code kmod4j fw abort NAME}: {@code echo -1 > loading}. */
    @Command(name = "abort", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Fail the requests waiting for firmware NAME at once, with EAGAIN (echo -1 > loading).",
                "Prints nothing on success; --json prints {\"name\"}. Fails with ENOENT if no request waits for NAME."})
    static final class Abort extends Verb {

        @Parameters(index = "0", paramLabel = "NAME", description = "The firmware name a request waits for, as fw pending shows it.")
        String name;

        @Override
        public Integer call() throws KernelException {
            try (ControlClient client = connect()) {
                client.fwAbort(name);
            }
            if (options.json()) {
                printJson(Json.ordered("name", name));
            }
            return Kmod4j.EXIT_OK;
        }
    }

    /** {@code kmod4j fw pending}: NAME, DEVICE, WAITERS, WAITED, TIMEOUT of each waiting request. */
    @Command(name = "pending", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "List the firmware requests waiting for the fallback loader, oldest first: "
                        + "NAME, DEVICE, WAITERS, WAITED, TIMEOUT (seconds; 'none' for no limit). Answer one with fw load or fw abort.",
                "--json prints {\"pending\":[{\"name\",\"device\",\"waiters\",\"waitedNanos\",\"timeoutNanos\"}..]}."})
    static final class Pending extends Verb {

        @Override
        public Integer call() throws KernelException {
            List<PendingFallback> pending;
            try (ControlClient client = connect()) {
                pending = client.fwPending();
            }
            if (options.json()) {
                List<Object> out = new ArrayList<>();
                pending.forEach(p -> out.add(Json.encode(p)));
                printJson(Json.ordered("pending", out));
                return Kmod4j.EXIT_OK;
            }
            Table t = new Table("NAME", "DEVICE", "WAITERS", "WAITED", "TIMEOUT");
            pending.forEach(p -> t.row(p.name(), p.device(), p.waiters(), seconds(p.waited()),
                    p.timeout().isZero() ? "none" : seconds(p.timeout())));
            out().print(t.format());
            out().flush();
            return Kmod4j.EXIT_OK;
        }
    }

    /**
     * {@code kmod4j fw status [DEVICE]}: UPLOAD, DEVICE, PROGRESS, SIZE, REMAINING, ERROR of one
     * upload or of all.
     */
    @Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Show firmware uploads: UPLOAD, DEVICE, PROGRESS (idle, receiving, preparing, transferring, programming), "
                        + "SIZE and REMAINING in bytes, ERROR of the last upload as <state>:<error> (e.g. transferring:hw-error).",
                "--json prints the upload's status {\"name\",\"device\",\"progress\",\"size\",\"remainingSize\",\"written\",\"error\"}, "
                        + "or {\"uploads\":[..]} without DEVICE.",
                "Fails with ENOENT if DEVICE has no upload."})
    static final class Status extends Verb {

        @Parameters(index = "0", arity = "0..1", paramLabel = "DEVICE",
                description = "A device (or upload) name; all uploads if omitted.")
        String device;

        @Override
        public Integer call() throws KernelException {
            List<UploadStatus> uploads;
            try (ControlClient client = connect()) {
                uploads = device == null ? client.fwStatus() : List.of(client.fwStatus(device));
            }
            if (options.json()) {
                if (device != null) {
                    printJson(Json.encode(uploads.getFirst()));
                } else {
                    List<Object> out = new ArrayList<>();
                    uploads.forEach(u -> out.add(Json.encode(u)));
                    printJson(Json.ordered("uploads", out));
                }
                return Kmod4j.EXIT_OK;
            }
            out().print(format(uploads));
            out().flush();
            return Kmod4j.EXIT_OK;
        }

        static String format(List<UploadStatus> uploads) {
            Table t = new Table("UPLOAD", "DEVICE", "PROGRESS", "SIZE", "REMAINING", "ERROR");
            uploads.forEach(u -> t.row(u.name(), u.device(), u.progress().text(), u.size(), u.remainingSize(), u.error()));
            return t.format();
        }
    }

    /** {@code kmod4j fw cancel DEVICE}: {@code echo 1 > cancel}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Ask the driver to stop the device's running firmware upload (echo 1 > cancel); it ends with <state>:user-abort.",
                "Prints nothing on success; --json prints the upload's status after asking.",
                "Fails with ENODEV if no upload runs, EBUSY while the device is in its critical section (e.g. switching boot slots): "
                        + "try again, or let it finish."})
    static final class Cancel extends Verb {

        @Parameters(index = "0", paramLabel = "DEVICE", description = "A device (or upload) name.")
        String device;

        @Override
        public Integer call() throws KernelException {
            UploadStatus s;
            try (ControlClient client = connect()) {
                s = client.fwCancel(device);
            }
            if (options.json()) {
                printJson(Json.encode(s));
            }
            return Kmod4j.EXIT_OK;
        }
    }
}
