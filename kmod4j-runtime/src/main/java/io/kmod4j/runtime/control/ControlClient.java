package io.kmod4j.runtime.control;

import static io.kmod4j.runtime.control.Json.ordered;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.firmware.FirmwareLoader;
import io.kmod4j.runtime.firmware.PendingFallback;
import io.kmod4j.runtime.firmware.UploadStatus;
import io.kmod4j.runtime.module.ModuleIndex;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A connection to a {@code kmod4j daemon}'s control socket: what the {@code kmod4j} commands use.
 * One method per op returns the runtime's own types ({@link ModuleStatus}, {@link UnloadReport},
 * ...); {@link #call} reaches any op, including ones this class has no method for.
 *
 * <p>Every method blocks until the daemon answers; there is no timeout, since an {@code rmmod}
 * may legitimately wait for a module. A failure the daemon reports is thrown as a
 * {@link KernelException} with its errno and message. A daemon that cannot be reached, or a
 * connection lost mid-call, is a {@link DaemonUnreachableException}; a reply that does not follow
 * the protocol is {@code EPROTO}.
 *
 * <p>Thread-safe: calls on one client are serialised (a connection carries one request at a
 * time); a stream ({@link #dmesgFollow}, {@link #fwUpload}) uses the connection up.
 */
public final class ControlClient implements AutoCloseable {

    /** The longest reply line accepted (a full log ring is far below it). */
    static final int MAX_REPLY_BYTES = 256 << 20;

    private final Path socket;
    private final SocketChannel channel;
    private final LineReader reader;

    private ControlClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.reader = new LineReader(channel, MAX_REPLY_BYTES);
    }

    /**
     * Connects to the daemon on {@code socket}.
     *
     * @throws DaemonUnreachableException ENOENT if there is no socket file, ECONNREFUSED if nobody
     *     listens on it (a daemon died), EACCES if it is not ours to open, EIO otherwise
     */
    public static ControlClient connect(Path socket) throws DaemonUnreachableException {
        Path path = socket.toAbsolutePath().normalize();
        String start = "start one with 'kmod4j daemon"
                + (path.equals(ControlSocket.defaultPath()) ? "'" : " --socket " + path + "'");
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new DaemonUnreachableException(Errno.ENOENT, path,
                    "no kmod4j daemon is running: " + path + " does not exist; " + start, null);
        }
        try {
            return new ControlClient(path, SocketChannel.open(UnixDomainSocketAddress.of(path)));
        } catch (ConnectException e) {
            throw new DaemonUnreachableException(Errno.ECONNREFUSED, path,
                    "no kmod4j daemon is listening on " + path + " (connection refused); " + start, e);
        } catch (IOException e) {
            boolean denied = String.valueOf(e.getMessage()).contains("Permission denied");
            throw new DaemonUnreachableException(denied ? Errno.EACCES : Errno.EIO, path,
                    "cannot connect to the kmod4j daemon on " + path + ": " + e.getMessage() + "; " + start, e);
        }
    }

    /** The socket this client is connected to. */
    public Path socket() {
        return socket;
    }

    // ------------------------------------------------------------------ the protocol

    /**
     * Sends one request and returns its reply's {@code result}.
     *
     * @param args the op's arguments: {@code null}, booleans, numbers, strings, lists and maps
     * @return the result as decoded JSON ({@code Map}, {@code List}, {@code String}, ...)
     * @throws KernelException the daemon's errno and message; EPROTO for a malformed reply
     * @throws DaemonUnreachableException if the connection fails or is lost
     */
    public synchronized Object call(String op, Map<String, ?> args) throws KernelException {
        send(op, args);
        return result(readLine());
    }

    /** {@link #call} for a result that must be a JSON object. */
    public JsonObject callForObject(String op, Map<String, ?> args) throws KernelException {
        return JsonObject.of(call(op, args), "result", Errno.EPROTO);
    }

    /** Receives values of a stream; may fail the stream with a {@link KernelException}. */
    @FunctionalInterface
    public interface ValueHandler {
        void accept(Object value) throws KernelException;
    }

    /**
     * Sends a request that streams ({@code dmesg} with {@code follow}): hands the first reply's
     * result to {@code first}, then every streamed value to {@code each}, on this thread, and
     * returns when the daemon ends the stream.
     *
     * @throws KernelException if the daemon refuses the request or ends the stream with an error,
     *     or a handler fails (the stream is abandoned)
     * @throws InterruptedException if this thread is interrupted (the connection is closed)
     */
    public synchronized void stream(String op, Map<String, ?> args, ValueHandler first, ValueHandler each)
            throws KernelException, InterruptedException {
        try {
            send(op, args);
            first.accept(result(readLine()));
            while (true) {
                LineReader.Line line = reader.next();
                switch (line) {
                    case LineReader.End end -> {
                        return;
                    }
                    case LineReader.Invalid bad -> throw new KernelException(Errno.EPROTO, "the daemon sent a " + bad.reason());
                    case LineReader.Text text -> {
                        Object value = Json.parse(text.text(), "streamed value", Errno.EPROTO);
                        if (value instanceof Map<?, ?> m && m.containsKey("ok")) {
                            result(text.text()); // the stream's last word: an error
                            return;
                        }
                        each.accept(value);
                    }
                }
            }
        } catch (DaemonUnreachableException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted while following " + op);
            }
            throw e;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted while following " + op);
            }
            throw lost(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor
        }
    }

    private void send(String op, Map<String, ?> args) throws DaemonUnreachableException {
        String line = Json.write(ordered("op", Objects.requireNonNull(op, "op"), "args", args == null ? Map.of() : args)) + "\n";
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private String readLine() throws KernelException {
        try {
            return switch (reader.next()) {
                case LineReader.Text text -> text.text();
                case LineReader.Invalid bad -> throw new KernelException(Errno.EPROTO, "the daemon sent a " + bad.reason());
                case LineReader.End end -> throw new DaemonUnreachableException(Errno.ECONNRESET, socket,
                        "the kmod4j daemon on " + socket + " closed the connection without answering (did it stop?)", null);
            };
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private static Object result(String line) throws KernelException {
        JsonObject reply = JsonObject.of(Json.parse(line, "reply", Errno.EPROTO), "reply", Errno.EPROTO);
        if (reply.bool("ok")) {
            return reply.asMap().get("result");
        }
        String name = reply.string("errno");
        Errno errno;
        try {
            errno = Errno.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            errno = Errno.of((int) reply.integer("code", Errno.EIO.code())).orElse(Errno.EIO);
        }
        throw new KernelException(errno, reply.string("message"));
    }

    private DaemonUnreachableException lost(IOException e) {
        return new DaemonUnreachableException(Errno.ECONNRESET, socket,
                "lost the connection to the kmod4j daemon on " + socket + ": " + e.getMessage(), e);
    }

    // ------------------------------------------------------------------ one method per op

    /** What {@code status} answers. */
    public record Status(String version, long pid, Duration uptime, Path socket, Path moduleDir, int modules,
                         Set<Taint> taints) {}

    /** What {@code lsmod} answers: the modules, most recent first, and the kernel's taint. */
    public record Lsmod(List<ModuleStatus> modules, Set<Taint> taints, List<String> unloadedTainted) {
        public Lsmod {
            modules = List.copyOf(modules);
            taints = Set.copyOf(taints);
            unloadedTainted = List.copyOf(unloadedTainted);
        }
    }

    /**
     * Which log lines {@code dmesg} returns.
     *
     * @param since only lines with a greater sequence number; -1 for all
     * @param levels only these levels; empty for all
     * @param clear clear the ring first ({@code dmesg -C}); then no old lines are returned
     */
    public record DmesgQuery(long since, Set<Level> levels, boolean clear) {
        public DmesgQuery {
            levels = Set.copyOf(levels);
        }

        /** Every line, no clearing. */
        public static DmesgQuery all() {
            return new DmesgQuery(-1, Set.of(), false);
        }
    }

    /** What {@code dmesg} answers: lines, oldest first, and the sequence number of the next line. */
    public record Dmesg(List<LogRecord> records, long nextSeq) {
        public Dmesg {
            records = List.copyOf(records);
        }
    }

    /** {@code status}: the daemon's version, pid and uptime. */
    public Status status() throws KernelException {
        JsonObject o = callForObject("status", Map.of());
        return new Status(o.string("version"), o.integer("pid"), Duration.ofNanos(o.integer("uptimeNanos")),
                Path.of(o.string("socket")), Path.of(o.string("moduleDir")), (int) o.integer("modules"),
                Json.taints(o, "taints"));
    }

    /** {@code insmod}; {@code jar} is made absolute here, against this process's directory. */
    public ModuleStatus insmod(Path jar, Map<String, String> params) throws KernelException {
        Map<String, Object> args = ordered("path", jar.toAbsolutePath().normalize().toString(), "params", paramsOf(params));
        return Json.decodeModuleStatus(callForObject("insmod", args));
    }

    /**
     * {@code rmmod}.
     *
     * @param timeout the unload deadline; {@code null} for the daemon's default
     */
    public UnloadReport rmmod(String name, boolean force, Duration timeout) throws KernelException {
        Map<String, Object> args = ordered("name", name, "force", force);
        if (timeout != null) {
            args.put("timeout", new java.math.BigDecimal(timeout.toNanos()).movePointLeft(9).stripTrailingZeros());
        }
        return Json.decodeUnloadReport(callForObject("rmmod", args));
    }

    /** {@code lsmod}. */
    public Lsmod lsmod() throws KernelException {
        return Json.decodeLsmod(callForObject("lsmod", Map.of()));
    }

    /** {@code modinfo} of a loaded module, or of one in the daemon's module index. */
    public ModInfo modinfo(String name) throws KernelException {
        return Json.decodeModInfo(callForObject("modinfo", ordered("name", name)));
    }

    /** {@code modinfo} of a JAR, read by the daemon; made absolute here. */
    public ModInfo modinfo(Path jar) throws KernelException {
        return Json.decodeModInfo(callForObject("modinfo", ordered("path", jar.toAbsolutePath().normalize().toString())));
    }

    /** {@code modprobe}: the modules it loaded, in load order. */
    public List<ModuleStatus> modprobe(String name, Map<String, String> params) throws KernelException {
        JsonObject o = callForObject("modprobe", ordered("name", name, "params", paramsOf(params)));
        List<ModuleStatus> out = new ArrayList<>();
        for (JsonObject m : o.objects("loaded")) {
            out.add(Json.decodeModuleStatus(m));
        }
        return out;
    }

    /** {@code modprobe -r}: one report per module removed, in removal order. */
    public List<UnloadReport> modprobeRemove(String name) throws KernelException {
        JsonObject o = callForObject("modprobe", ordered("name", name, "remove", true));
        List<UnloadReport> out = new ArrayList<>();
        for (JsonObject r : o.objects("removed")) {
            out.add(Json.decodeUnloadReport(r));
        }
        return out;
    }

    /**
     * {@code depmod} run by the daemon.
     *
     * @param dir the directory, made absolute here; {@code null} for the daemon's module directory
     */
    public ModuleIndex.DepmodResult depmod(Path dir) throws KernelException {
        Map<String, Object> args = dir == null ? Map.of() : ordered("dir", dir.toAbsolutePath().normalize().toString());
        return Json.decodeDepmod(callForObject("depmod", args));
    }

    /** {@code dmesg}: the lines the query selects. */
    public Dmesg dmesg(DmesgQuery q) throws KernelException {
        return dmesgOf(callForObject("dmesg", dmesgArgs(q, false)));
    }

    /**
     * {@code dmesg --follow}: hands every selected line to {@code each}, old ones first, then new
     * ones as they are logged, until the daemon closes the connection.
     *
     * @throws InterruptedException if this thread is interrupted
     */
    public void dmesgFollow(DmesgQuery q, Consumer<LogRecord> each) throws KernelException, InterruptedException {
        stream("dmesg", dmesgArgs(q, true),
                first -> dmesgOf(JsonObject.of(first, "result", Errno.EPROTO)).records().forEach(each),
                value -> each.accept(Json.decodeLogRecord(JsonObject.of(value, "record", Errno.EPROTO))));
    }

    // ------------------------------------------------------------------ devices

    /** {@code devices}: every device, in the order added. */
    public List<DeviceStatus> devices() throws KernelException {
        List<DeviceStatus> out = new ArrayList<>();
        for (JsonObject d : callForObject("devices", Map.of()).objects("devices")) {
            out.add(Json.decodeDeviceStatus(d));
        }
        return out;
    }

    /** {@code device.add}: adds the device; returns its state right after (a probe may still run). */
    public DeviceStatus addDevice(DeviceSpec spec) throws KernelException {
        Map<String, Object> args = ordered("name", spec.name(), "compatible", spec.compatible(),
                "properties", new java.util.TreeMap<>(spec.properties()));
        return Json.decodeDeviceStatus(callForObject("device.add", args));
    }

    /** {@code device.remove}. */
    public void removeDevice(String name) throws KernelException {
        callForObject("device.remove", ordered("name", name));
    }

    /** {@code bind}: binds {@code device} to {@code driver}; returns the device's state after. */
    public DeviceStatus bind(String device, String driver) throws KernelException {
        return Json.decodeDeviceStatus(callForObject("bind", ordered("device", device, "driver", driver)));
    }

    /** {@code unbind}: returns the device's state after. */
    public DeviceStatus unbind(String device) throws KernelException {
        return Json.decodeDeviceStatus(callForObject("unbind", ordered("device", device)));
    }

    // ------------------------------------------------------------------ firmware

    /**
     * What {@code fw.path} answers.
     *
     * @param override the override directory ({@code firmware_class.path}); empty for none
     * @param searchPath the directories searched, in order
     */
    public record FwPath(String override, List<Path> searchPath) {
        public FwPath {
            searchPath = List.copyOf(searchPath);
        }
    }

    /**
     * How an upload followed to its end ended ({@code fw.upload} with {@code wait}).
     *
     * @param upload its state when it went idle again
     * @param elapsed from the daemon's start of the upload to that moment
     * @param errno the upload error's errno; {@code null} if it succeeded
     */
    public record UploadResult(UploadStatus upload, Duration elapsed, Errno errno) {
        /** Whether the upload succeeded. */
        public boolean done() {
            return errno == null;
        }
    }

    /** {@code fw.path}: the override directory and the search path. */
    public FwPath fwPath() throws KernelException {
        return fwPathOf(callForObject("fw.path", Map.of()));
    }

    /**
     * {@code fw.path} with {@code path}: sets the override directory.
     *
     * @param dir the directory, made absolute here; {@code null} to clear the override
     */
    public FwPath setFwPath(Path dir) throws KernelException {
        String path = dir == null ? "" : dir.toAbsolutePath().normalize().toString();
        return fwPathOf(callForObject("fw.path", ordered("path", path)));
    }

    private static FwPath fwPathOf(JsonObject o) throws KernelException {
        return new FwPath(o.string("override"), o.stringList("searchPath").stream().map(Path::of).toList());
    }

    /** {@code fw.held}: the images someone holds. */
    public List<FirmwareLoader.HeldImage> fwHeld() throws KernelException {
        List<FirmwareLoader.HeldImage> out = new ArrayList<>();
        for (JsonObject h : callForObject("fw.held", Map.of()).objects("images")) {
            out.add(Json.decodeHeldImage(h));
        }
        return out;
    }

    /** {@code fw.load}: answers the requests waiting for {@code name} with {@code file}, made absolute here. */
    public void fwLoad(String name, Path file) throws KernelException {
        callForObject("fw.load", ordered("name", name, "path", file.toAbsolutePath().normalize().toString()));
    }

    /** {@code fw.abort}: fails the requests waiting for {@code name} with {@code EAGAIN}. */
    public void fwAbort(String name) throws KernelException {
        callForObject("fw.abort", ordered("name", name));
    }

    /** {@code fw.pending}: the requests waiting for the fallback loader, oldest first. */
    public List<PendingFallback> fwPending() throws KernelException {
        List<PendingFallback> out = new ArrayList<>();
        for (JsonObject p : callForObject("fw.pending", Map.of()).objects("pending")) {
            out.add(Json.decodePendingFallback(p));
        }
        return out;
    }

    /**
     * {@code fw.upload} without waiting: starts the upload and returns its state right after.
     *
     * @param name the upload's name, or the name of a device with one upload
     * @param file the image, made absolute here
     */
    public UploadStatus fwUploadStart(String name, Path file) throws KernelException {
        Map<String, Object> args = ordered("name", name, "path", file.toAbsolutePath().normalize().toString(), "wait", false);
        return Json.decodeUploadStatus(callForObject("fw.upload", args));
    }

    /**
     * {@code fw.upload} with {@code wait}: starts the upload, hands every state the daemon reports
     * to {@code each} (the first one right after the start, the last one idle), and returns how it
     * ended. Uses the connection up.
     *
     * @throws KernelException the start's errno ({@code ENOENT}, {@code EBUSY}, ...); a failed
     *     upload is not thrown but returned with its errno
     * @throws InterruptedException if this thread is interrupted (the upload goes on in the daemon)
     */
    public UploadResult fwUpload(String name, Path file, Consumer<UploadStatus> each)
            throws KernelException, InterruptedException {
        Map<String, Object> args = ordered("name", name, "path", file.toAbsolutePath().normalize().toString(), "wait", true);
        UploadResult[] result = new UploadResult[1];
        stream("fw.upload", args,
                first -> each.accept(Json.decodeUploadStatus(JsonObject.of(first, "result", Errno.EPROTO))),
                value -> {
                    JsonObject o = JsonObject.of(value, "streamed value", Errno.EPROTO);
                    if (o.has("outcome")) {
                        result[0] = Json.decodeUploadResult(o);
                    } else {
                        each.accept(Json.decodeUploadStatus(o));
                    }
                });
        if (result[0] == null) {
            throw new KernelException(Errno.EPROTO, "the daemon ended the upload's stream without its result");
        }
        return result[0];
    }

    /** {@code fw.status} of one upload (by its name or its device's). */
    public UploadStatus fwStatus(String name) throws KernelException {
        return Json.decodeUploadStatus(callForObject("fw.status", ordered("name", name)));
    }

    /** {@code fw.status} of every upload, in registration order. */
    public List<UploadStatus> fwStatus() throws KernelException {
        List<UploadStatus> out = new ArrayList<>();
        for (JsonObject u : callForObject("fw.status", Map.of()).objects("uploads")) {
            out.add(Json.decodeUploadStatus(u));
        }
        return out;
    }

    /**
     * {@code fw.cancel}: asks the driver to stop the running upload; returns the state after.
     *
     * @throws KernelException {@code ENODEV} none runs, {@code EBUSY} the device is in its critical section
     */
    public UploadStatus fwCancel(String name) throws KernelException {
        return Json.decodeUploadStatus(callForObject("fw.cancel", ordered("name", name)));
    }

    private static Map<String, Object> dmesgArgs(DmesgQuery q, boolean follow) {
        List<String> levels = q.levels().stream().sorted().map(Level::dmesgName).toList();
        return ordered("since", q.since(), "follow", follow, "levels", levels, "clear", q.clear());
    }

    private static Dmesg dmesgOf(JsonObject o) throws KernelException {
        List<LogRecord> records = new ArrayList<>();
        for (JsonObject r : o.objects("records")) {
            records.add(Json.decodeLogRecord(r));
        }
        return new Dmesg(records, o.integer("nextSeq"));
    }

    private static Map<String, String> paramsOf(Map<String, String> params) {
        return params == null ? Map.of() : new LinkedHashMap<>(params);
    }
}
