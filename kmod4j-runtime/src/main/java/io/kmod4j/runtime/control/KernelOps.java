package io.kmod4j.runtime.control;

import static io.kmod4j.runtime.control.Json.ordered;

import io.kmod4j.Taint;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.RmmodOptions;
import io.kmod4j.runtime.UnloadReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The module loader's ops: thin adapters from {@link JsonObject} arguments to {@link Kernel}
 * calls and from results to {@link Json} shapes. Argument rules live here, once, for every client.
 */
final class KernelOps {

    private KernelOps() {}

    static void addTo(ControlOps ops) {
        ops.register("ping", List.of(), KernelOps::status)
                .register("status", List.of(), KernelOps::status)
                .register("insmod", List.of("path", "params"), KernelOps::insmod)
                .register("rmmod", List.of("name", "force", "timeout"), KernelOps::rmmod)
                .register("lsmod", List.of(), KernelOps::lsmod)
                .register("modinfo", List.of("name", "path"), KernelOps::modinfo)
                .register("modprobe", List.of("name", "params", "remove"), KernelOps::modprobe)
                .register("depmod", List.of("dir"), KernelOps::depmod)
                .register("dmesg", List.of("since", "follow", "levels", "clear"), KernelOps::dmesg);
    }

    private static Object status(Request r) {
        Kernel k = r.kernel();
        Duration up = k.log().uptime();
        return ordered("version", Kernel.version(), "pid", ProcessHandle.current().pid(),
                "uptimeNanos", up.toNanos(), "uptime", String.format(Locale.ROOT, "%d.%06d", up.toSeconds(), up.toNanosPart() / 1_000),
                "socket", r.socket().toString(), "moduleDir", k.config().moduleDir().toAbsolutePath().toString(),
                "modules", k.lsmod().size(), "taints", Taint.letters(k.taints()));
    }

    private static Object insmod(Request r) throws Exception {
        Path jar = r.args().absolutePath("path");
        Map<String, String> params = r.args().stringMap("params");
        return Json.encode(r.kernel().insmod(jar, params));
    }

    private static Object rmmod(Request r) throws Exception {
        String name = moduleName(r.args(), "name");
        boolean force = r.args().bool("force", false);
        Duration timeout = r.args().seconds("timeout").orElse(null);
        RmmodOptions options = new RmmodOptions(force, timeout, r.kernel().config().verification());
        return Json.encode(r.kernel().rmmod(name, options));
    }

    private static Object lsmod(Request r) {
        Kernel k = r.kernel();
        return Json.encode(new ControlClient.Lsmod(k.lsmod(), k.taints(), k.unloadedTaintedModules()));
    }

    private static Object modinfo(Request r) throws Exception {
        JsonObject a = r.args();
        if (a.has("name") == a.has("path")) {
            throw a.fail("modinfo takes exactly one of the fields 'args.name' (a module name) and 'args.path' (an absolute JAR path)");
        }
        if (a.has("path")) {
            return Json.encode(Kernel.modinfo(a.absolutePath("path")));
        }
        return Json.encode(r.kernel().modinfo(moduleName(a, "name")));
    }

    private static Object modprobe(Request r) throws Exception {
        JsonObject a = r.args();
        String name = moduleName(a, "name");
        Map<String, String> params = a.stringMap("params");
        if (a.bool("remove", false)) {
            if (!params.isEmpty()) {
                throw a.fail("field 'args.params' must be empty when 'args.remove' is true");
            }
            List<Object> removed = new ArrayList<>();
            for (UnloadReport report : r.kernel().modprobeRemove(name)) {
                removed.add(Json.encode(report));
            }
            return ordered("removed", removed);
        }
        List<Object> loaded = new ArrayList<>();
        for (ModuleStatus s : r.kernel().modprobe(name, params)) {
            loaded.add(Json.encode(s));
        }
        return ordered("loaded", loaded);
    }

    private static Object depmod(Request r) throws Exception {
        Path dir = r.args().optionalAbsolutePath("dir").orElse(r.kernel().config().moduleDir().toAbsolutePath());
        return Json.encode(Kernel.depmod(dir));
    }

    private static Object dmesg(Request r) throws Exception {
        JsonObject a = r.args();
        long since = a.integer("since", -1);
        if (since < -1) {
            throw a.fail("field 'args.since' must be -1 (everything) or a sequence number, not " + since);
        }
        boolean follow = a.bool("follow", false);
        boolean clear = a.bool("clear", false);
        Set<Level> levels = EnumSet.noneOf(Level.class);
        for (String name : a.stringList("levels")) {
            try {
                levels.add(Level.parse(name));
            } catch (IllegalArgumentException e) {
                throw a.fail("field 'args.levels' has an " + e.getMessage());
            }
        }
        Predicate<LogRecord> wanted = levels.isEmpty() ? rec -> true : rec -> levels.contains(rec.level());
        LogRing log = r.kernel().log();
        if (clear) {
            log.clear();
        }
        // Everything below 'next' is answered now; 'follow' picks up from there, so no line is
        // lost or sent twice between the answer and the stream.
        long next = log.nextSeq();
        List<Object> records = new ArrayList<>();
        if (!clear) {
            for (LogRecord rec : log.recordsAfter(since)) {
                if (rec.seq() < next && wanted.test(rec)) {
                    records.add(Json.encode(rec));
                }
            }
        }
        Map<String, Object> result = ordered("records", records, "nextSeq", next);
        if (!follow) {
            return result;
        }
        long from = Math.max(since, next - 1);
        return new Streamed(result, sink -> {
            long last = from;
            while (true) {
                for (LogRecord rec : log.awaitAfter(last, Duration.ofHours(1))) {
                    last = rec.seq();
                    if (wanted.test(rec)) {
                        sink.send(Json.encode(rec));
                    }
                }
            }
        });
    }

    /** A module name: not empty, not a path (the daemon's directory is not the client's). */
    private static String moduleName(JsonObject a, String field) throws Exception {
        String name = a.string(field);
        if (name.isEmpty() || name.contains("/") || name.indexOf('\0') >= 0) {
            throw a.fail("field '" + a.at(field) + "' must be a module name, not '" + name + "'");
        }
        return name;
    }
}
