package io.kmod4j.runtime.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.ModuleState;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.firmware.FirmwareLoader;
import io.kmod4j.runtime.firmware.PendingFallback;
import io.kmod4j.runtime.firmware.UploadStatus;
import io.kmod4j.runtime.module.ModuleIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON forms of the runtime's values on the control socket, and the one JSON reader and
 * writer the protocol uses (jackson-jr). Every {@code encode} has a {@code decode} that gives back
 * an equal value, so {@code kmod4j rmmod} prints the daemon's {@link UnloadReport} with its own
 * {@link UnloadReport#format()}. The shapes are listed in {@code docs/decisions/0400-control-protocol.md}.
 *
 * <p>Conventions: durations are integer nanoseconds in fields ending in {@code Nanos}; taint flags
 * are their letters in one string ({@code "PZ"}); module states are {@code /proc/modules}' words
 * (Loading, Live, Unloading); log levels are dmesg's names (err, warn, info); device binding states
 * and upload progress are the lower-case words {@code kmod4j devices} and sysfs show (bound,
 * deferred; idle, transferring). Decoding fails with {@code EPROTO} naming the field when a value
 * has another shape.
 */
public final class Json {

    // Only JSON's own types are written: an op that returns some other object is a bug to report,
    // not a bean whose getters become the protocol by accident.
    private static final JSON IO = JSON.std
            .with(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS,
                    JSON.Feature.FAIL_ON_UNKNOWN_TYPE_WRITE)
            .without(JSON.Feature.HANDLE_JAVA_BEANS);

    private Json() {}

    // ------------------------------------------------------------------ reading and writing

    /**
     * Parses one JSON text.
     *
     * @param what what the text is, for the message ({@code "request"}, {@code "reply"})
     * @param errno the errno of a failure
     * @return a {@code Map} (object, field order kept), {@code List}, {@code String},
     *     {@code Number}, {@code Boolean} or {@code null}
     * @throws KernelException with {@code errno} if the text is not exactly one JSON value
     *     (trailing data, duplicate keys and nesting deeper than 1000 are errors)
     */
    public static Object parse(String text, String what, Errno errno) throws KernelException {
        try (JsonParser p = IO.createParser(text)) {
            Object value = IO.anyFrom(p);
            if (p.nextToken() != null) {
                throw new KernelException(errno, what + " is not valid JSON: unexpected data after the value at column "
                        + p.currentTokenLocation().getColumnNr());
            }
            return value;
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            int col = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            throw new KernelException(errno, what + " is not valid JSON" + (col > 0 ? " at column " + col : "") + ": "
                    + why.replaceAll("\\s*\\R\\s*", " "));
        } catch (IOException e) {
            throw new KernelException(errno, what + " is not valid JSON: " + e.getMessage());
        }
    }

    /**
     * Writes a value as one line of JSON (no line breaks inside; {@code null} map values kept).
     *
     * @param value {@code null}, {@code Boolean}, {@code Number}, {@code String}, or {@code List}s
     *     and {@code Map}s of these
     * @throws IllegalArgumentException if the value cannot be written
     */
    public static String write(Object value) {
        try {
            return IO.asString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ lsmod

    /** {@code {"name","size","refcount","usedBy":[..],"state":"Live","version","params":{..},"owned":[..],"taints":"PZ"}}. */
    public static Map<String, Object> encode(ModuleStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("size", s.size());
        m.put("refcount", s.refcount());
        m.put("usedBy", s.usedBy());
        m.put("state", s.state().procName());
        m.put("version", s.version());
        m.put("params", new TreeMap<>(s.params()));
        m.put("owned", s.owned());
        m.put("taints", Taint.letters(s.taints()));
        return m;
    }

    /** The inverse of {@link #encode(ModuleStatus)}. */
    public static ModuleStatus decodeModuleStatus(JsonObject o) throws KernelException {
        return new ModuleStatus(o.string("name"), o.integer("size"), (int) o.integer("refcount"), o.stringList("usedBy"),
                state(o, "state"), o.string("version"), o.stringMap("params"), o.stringList("owned"), taints(o, "taints"));
    }

    /** {@code {"modules":[status..],"taints":"PZ","unloadedTainted":["hello(Z):1"]}}. */
    public static Map<String, Object> encode(ControlClient.Lsmod l) {
        List<Object> modules = new ArrayList<>();
        for (ModuleStatus s : l.modules()) {
            modules.add(encode(s));
        }
        return ordered("modules", modules, "taints", Taint.letters(l.taints()), "unloadedTainted", l.unloadedTainted());
    }

    /** The inverse of {@link #encode(ControlClient.Lsmod)}. */
    public static ControlClient.Lsmod decodeLsmod(JsonObject o) throws KernelException {
        List<ModuleStatus> modules = new ArrayList<>();
        for (JsonObject m : o.objects("modules")) {
            modules.add(decodeModuleStatus(m));
        }
        return new ControlClient.Lsmod(modules, taints(o, "taints"), o.stringList("unloadedTainted"));
    }

    private static ModuleState state(JsonObject o, String field) throws KernelException {
        String s = o.string(field);
        return switch (s) {
            case "Loading" -> ModuleState.COMING;
            case "Live" -> ModuleState.LIVE;
            case "Unloading" -> ModuleState.GOING;
            default -> throw o.fail("field '" + o.at(field) + "' is not Loading, Live or Unloading: '" + s + "'");
        };
    }

    /** Taint flags from their letters. */
    static Set<Taint> taints(JsonObject o, String field) throws KernelException {
        Set<Taint> out = EnumSet.noneOf(Taint.class);
        next:
        for (char c : o.string(field).toCharArray()) {
            for (Taint t : Taint.values()) {
                if (t.letter() == c) {
                    out.add(t);
                    continue next;
                }
            }
            throw o.fail("field '" + o.at(field) + "' has an unknown taint letter '" + c + "'");
        }
        return out;
    }

    // ------------------------------------------------------------------ rmmod

    /**
     * {@code {"module","version","outcome":"UNLOADED"|"FORCED","exitNanos","stopNanos","scanNanos",
     * "verifyNanos","totalNanos","stopped":[{"kind","name","detail","tookNanos"}],
     * "leaks":[{"thread","virtual","state","reason","stack":[..]}],"pins":[{"kind","description"}],
     * "loader":"COLLECTED"|"NOT_COLLECTED"|"PENDING","jarReleased","taints","clean"}}; {@code clean}
     * is derived and ignored when decoding.
     */
    public static Map<String, Object> encode(UnloadReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", r.module());
        m.put("version", r.version());
        m.put("outcome", r.outcome().name());
        m.put("exitNanos", r.exitDuration().toNanos());
        m.put("stopNanos", r.stopDuration().toNanos());
        m.put("scanNanos", r.scanDuration().toNanos());
        m.put("verifyNanos", r.verifyDuration().toNanos());
        m.put("totalNanos", r.total().toNanos());
        List<Object> stopped = new ArrayList<>();
        for (UnloadReport.Stopped s : r.stopped()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", s.kind());
            e.put("name", s.name());
            e.put("detail", s.detail());
            e.put("tookNanos", s.took().toNanos());
            stopped.add(e);
        }
        m.put("stopped", stopped);
        List<Object> leaks = new ArrayList<>();
        for (UnloadReport.ThreadLeak l : r.leaks()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("thread", l.thread());
            e.put("virtual", l.virtual());
            e.put("state", l.state());
            e.put("reason", l.reason());
            e.put("stack", l.stack());
            leaks.add(e);
        }
        m.put("leaks", leaks);
        List<Object> pins = new ArrayList<>();
        for (UnloadReport.Pin p : r.pins()) {
            pins.add(ordered("kind", p.kind(), "description", p.description()));
        }
        m.put("pins", pins);
        m.put("loader", r.loader().name());
        m.put("jarReleased", r.jarReleased());
        m.put("taints", Taint.letters(r.taints()));
        m.put("clean", r.clean());
        return m;
    }

    /** The inverse of {@link #encode(UnloadReport)}. */
    public static UnloadReport decodeUnloadReport(JsonObject o) throws KernelException {
        List<UnloadReport.Stopped> stopped = new ArrayList<>();
        for (JsonObject s : o.objects("stopped")) {
            stopped.add(new UnloadReport.Stopped(s.string("kind"), s.string("name"), s.string("detail"), nanos(s, "tookNanos")));
        }
        List<UnloadReport.ThreadLeak> leaks = new ArrayList<>();
        for (JsonObject l : o.objects("leaks")) {
            leaks.add(new UnloadReport.ThreadLeak(l.string("thread"), l.bool("virtual"), l.string("state"), l.string("reason"),
                    l.stringList("stack")));
        }
        List<UnloadReport.Pin> pins = new ArrayList<>();
        for (JsonObject p : o.objects("pins")) {
            pins.add(new UnloadReport.Pin(p.string("kind"), p.string("description")));
        }
        return new UnloadReport(o.string("module"), o.string("version"),
                enumValue(o, "outcome", UnloadReport.Outcome.class),
                nanos(o, "exitNanos"), nanos(o, "stopNanos"), nanos(o, "scanNanos"), nanos(o, "verifyNanos"), nanos(o, "totalNanos"),
                stopped, leaks, pins, enumValue(o, "loader", UnloadReport.LoaderVerdict.class), o.bool("jarReleased"),
                taints(o, "taints"));
    }

    /**
     * A path field of a reply. Path.of refuses some strings (a NUL) with an unchecked exception;
     * found by kmod4j-fuzz (JsonFuzzTest), it escaped the decoders' EPROTO contract.
     */
    private static Path path(JsonObject o, String field) throws KernelException {
        String s = o.string(field);
        try {
            return Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            throw o.fail("field '" + o.at(field) + "' is not a path: " + e.getReason());
        }
    }

    private static Duration nanos(JsonObject o, String field) throws KernelException {
        return Duration.ofNanos(o.integer(field));
    }

    private static <E extends Enum<E>> E enumValue(JsonObject o, String field, Class<E> type) throws KernelException {
        String s = o.string(field);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw o.fail("field '" + o.at(field) + "' has an unknown value '" + s + "'");
        }
    }

    // ------------------------------------------------------------------ modinfo

    /**
     * {@code {"file":"/abs/x.jar"|null,"name","entry","license","version","description","authors":[..],
     * "depends":[..],"exports":[..],"firmware":[..],"aliases":[..],"params":[{"name","type",
     * "description","default","perm":"0444","field"}],"hasExit","vermagic","raw":[["key","value"],..]}}.
     */
    public static Map<String, Object> encode(ModInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", i.file() == null ? null : i.file().toAbsolutePath().toString());
        m.put("name", i.name());
        m.put("entry", i.entry());
        m.put("license", i.license());
        m.put("version", i.version());
        m.put("description", i.description());
        m.put("authors", i.authors());
        m.put("depends", i.depends());
        m.put("exports", i.exports());
        m.put("firmware", i.firmware());
        m.put("aliases", i.aliases());
        List<Object> params = new ArrayList<>();
        for (ModInfo.ParamInfo p : i.params()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", p.name());
            e.put("type", p.type());
            e.put("description", p.description());
            e.put("default", p.defaultValue());
            e.put("perm", String.format(Locale.ROOT, "0%o", p.perm()));
            e.put("field", p.field());
            params.add(e);
        }
        m.put("params", params);
        m.put("hasExit", i.hasExit());
        m.put("vermagic", i.vermagic());
        List<Object> raw = new ArrayList<>();
        for (Map.Entry<String, String> e : i.raw()) {
            raw.add(List.of(e.getKey(), e.getValue()));
        }
        m.put("raw", raw);
        return m;
    }

    /** The inverse of {@link #encode(ModInfo)}. */
    public static ModInfo decodeModInfo(JsonObject o) throws KernelException {
        List<ModInfo.ParamInfo> params = new ArrayList<>();
        for (JsonObject p : o.objects("params")) {
            String perm = p.string("perm");
            int mode;
            try {
                mode = Integer.parseInt(perm, 8);
            } catch (NumberFormatException e) {
                throw p.fail("field '" + p.at("perm") + "' is not an octal mode: '" + perm + "'");
            }
            params.add(new ModInfo.ParamInfo(p.string("name"), p.string("type"), p.string("description"), p.string("default"),
                    mode, p.string("field")));
        }
        List<Map.Entry<String, String>> raw = new ArrayList<>();
        Object rawValue = o.asMap().get("raw");
        if (rawValue instanceof List<?> pairs) {
            for (Object pair : pairs) {
                if (!(pair instanceof List<?> kv) || kv.size() != 2 || !(kv.get(0) instanceof String k) || !(kv.get(1) instanceof String v)) {
                    throw o.fail("field '" + o.at("raw") + "' must be an array of [key, value] string pairs");
                }
                raw.add(Map.entry(k, v));
            }
        }
        return new ModInfo(o.has("file") ? path(o, "file") : null, o.string("name"), o.string("entry"),
                o.string("license"), o.string("version"), o.string("description"), o.stringList("authors"),
                o.stringList("depends"), o.stringList("exports"), o.stringList("firmware"), o.stringList("aliases"),
                params, o.bool("hasExit"), o.string("vermagic"), raw);
    }

    // ------------------------------------------------------------------ dmesg

    /** {@code {"seq","level":"info","priority":6,"nanos","time":"0.123456","owner","message"}}. */
    public static Map<String, Object> encode(LogRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", r.seq());
        m.put("level", r.level().dmesgName());
        m.put("priority", r.level().number());
        m.put("nanos", r.nanosSinceBoot());
        m.put("time", r.timestamp().strip());
        m.put("owner", r.owner());
        m.put("message", r.message());
        return m;
    }

    /** The inverse of {@link #encode(LogRecord)}. */
    public static LogRecord decodeLogRecord(JsonObject o) throws KernelException {
        Level level;
        try {
            level = Level.parse(o.string("level"));
        } catch (IllegalArgumentException e) {
            throw o.fail("field '" + o.at("level") + "': " + e.getMessage());
        }
        return new LogRecord(o.integer("seq"), level, o.integer("nanos"), o.string("owner"), o.string("message"));
    }

    // ------------------------------------------------------------------ depmod

    /** {@code {"dir":"/abs","modules":3,"aliases":1,"warnings":[..]}}. */
    public static Map<String, Object> encode(ModuleIndex.DepmodResult d) {
        return ordered("dir", d.dir().toAbsolutePath().toString(), "modules", d.modules(), "aliases", d.aliases(),
                "warnings", d.warnings());
    }

    /** The inverse of {@link #encode(ModuleIndex.DepmodResult)}. */
    public static ModuleIndex.DepmodResult decodeDepmod(JsonObject o) throws KernelException {
        return new ModuleIndex.DepmodResult(path(o, "dir"), (int) o.integer("modules"), (int) o.integer("aliases"),
                o.stringList("warnings"));
    }

    // ------------------------------------------------------------------ devices

    /**
     * {@code {"name","bus","compatible":[..],"properties":{..},"state":"bound","driver","module","detail"}};
     * properties sorted by key, {@code driver}, {@code module} and {@code detail} empty when none.
     */
    public static Map<String, Object> encode(DeviceStatus d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("bus", d.bus());
        m.put("compatible", d.compatible());
        m.put("properties", new TreeMap<>(d.properties()));
        m.put("state", d.state());
        m.put("driver", d.driver());
        m.put("module", d.module());
        m.put("detail", d.detail());
        return m;
    }

    /** The inverse of {@link #encode(DeviceStatus)}. */
    public static DeviceStatus decodeDeviceStatus(JsonObject o) throws KernelException {
        Map<String, String> props = o.stringMap("properties");
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (e.getValue() == null) {
                throw o.fail("field '" + o.at("properties") + "." + e.getKey() + "' must be a string, not null");
            }
        }
        return new DeviceStatus(o.string("name"), o.string("bus"), o.stringList("compatible"), props, o.string("state"),
                o.string("driver"), o.string("module"), o.string("detail"));
    }

    // ------------------------------------------------------------------ firmware

    /**
     * {@code {"name","device","progress":"transferring","size","remainingSize","written","error"}}:
     * progress is the sysfs {@code status} word, error {@code "<progress>:<error>"} or empty;
     * {@code written} is derived ({@code size - remainingSize}) and ignored when decoding.
     */
    public static Map<String, Object> encode(UploadStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("device", s.device());
        m.put("progress", s.progress().text());
        m.put("size", s.size());
        m.put("remainingSize", s.remainingSize());
        m.put("written", s.written());
        m.put("error", s.error());
        return m;
    }

    /** The inverse of {@link #encode(UploadStatus)}. */
    public static UploadStatus decodeUploadStatus(JsonObject o) throws KernelException {
        String p = o.string("progress");
        FwUploadProgress progress = null;
        for (FwUploadProgress each : FwUploadProgress.values()) {
            if (each.text().equals(p)) {
                progress = each;
            }
        }
        if (progress == null) {
            throw o.fail("field '" + o.at("progress") + "' is not idle, receiving, preparing, transferring or programming: '"
                    + p + "'");
        }
        return new UploadStatus(o.string("name"), o.string("device"), progress, o.integer("size"), o.integer("remainingSize"),
                o.string("error"));
    }

    /** {@code {"name","device","waiters","waitedNanos","timeoutNanos"}}; a timeout of 0 means none. */
    public static Map<String, Object> encode(PendingFallback p) {
        return ordered("name", p.name(), "device", p.device(), "waiters", p.waiters(), "waitedNanos", p.waited().toNanos(),
                "timeoutNanos", p.timeout().toNanos());
    }

    /** The inverse of {@link #encode(PendingFallback)}. */
    public static PendingFallback decodePendingFallback(JsonObject o) throws KernelException {
        return new PendingFallback(o.string("name"), o.string("device"), (int) o.integer("waiters"), nanos(o, "waitedNanos"),
                nanos(o, "timeoutNanos"));
    }

    /** {@code {"name","size","holders","source"}}; source is a path or {@code "(fallback)"}. */
    public static Map<String, Object> encode(FirmwareLoader.HeldImage h) {
        return ordered("name", h.name(), "size", h.size(), "holders", h.holders(), "source", h.source());
    }

    /** The inverse of {@link #encode(FirmwareLoader.HeldImage)}. */
    public static FirmwareLoader.HeldImage decodeHeldImage(JsonObject o) throws KernelException {
        return new FirmwareLoader.HeldImage(o.string("name"), (int) o.integer("size"), (int) o.integer("holders"),
                o.string("source"));
    }

    /**
     * {@code {"outcome":"done"|"failed","upload":status,"elapsedNanos","errno":"EIO"|null}}: how an
     * upload followed with {@code wait} ended; {@code outcome} is derived from the errno and
     * ignored when decoding.
     */
    public static Map<String, Object> encode(ControlClient.UploadResult r) {
        return ordered("outcome", r.errno() == null ? "done" : "failed", "upload", encode(r.upload()),
                "elapsedNanos", r.elapsed().toNanos(), "errno", r.errno() == null ? null : r.errno().name());
    }

    /** The inverse of {@link #encode(ControlClient.UploadResult)}. */
    public static ControlClient.UploadResult decodeUploadResult(JsonObject o) throws KernelException {
        Errno errno = null;
        if (o.has("errno")) {
            String name = o.string("errno");
            try {
                errno = Errno.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw o.fail("field '" + o.at("errno") + "' is not an errno name: '" + name + "'");
            }
        }
        return new ControlClient.UploadResult(decodeUploadStatus(o.object("upload")), nanos(o, "elapsedNanos"), errno);
    }

    /**
     * A mutable map of alternating keys and values, in that order: how results are built so that
     * their JSON has a stable field order.
     *
     * @throws ClassCastException if a key is not a string
     */
    public static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
