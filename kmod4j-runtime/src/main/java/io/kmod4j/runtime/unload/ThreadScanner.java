package io.kmod4j.runtime.unload;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.kmod4j.runtime.UnloadReport.ThreadLeak;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds live threads that run code of one load of a module, or hold its class loader, although
 * the runtime did not start them: step 4 of the unload protocol.
 *
 * <p>Platform threads are found with {@link Thread#getAllStackTraces()}; a thread counts if a
 * frame's class loader is the module's (matched by the loader's unique name), if its context
 * class loader is the module's, or if its own class was defined by the module. Virtual threads
 * are not in that map: they are found in the JDK's JSON thread dump
 * ({@link HotSpotDiagnosticMXBean#dumpThreads}), whose frames carry the loader's name too.
 */
public final class ThreadScanner {

    static final int MAX_FRAMES = 24;

    private ThreadScanner() {}

    /**
     * Scans every live thread.
     *
     * @param loader the module's class loader
     * @param loaderName its name as stack frames print it
     * @param ignore threads the runtime itself is responsible for (its own exit thread, ...)
     * @return the leaks found, platform threads first
     */
    public static List<ThreadLeak> scan(ClassLoader loader, String loaderName, Set<Thread> ignore) {
        List<ThreadLeak> leaks = new ArrayList<>();
        Set<Long> platformIds = new HashSet<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            platformIds.add(t.threadId());
            if (t == Thread.currentThread() || ignore.contains(t) || !t.isAlive()) {
                continue;
            }
            List<String> reasons = new ArrayList<>();
            if (Arrays.stream(e.getValue()).anyMatch(f -> loaderName.equals(f.getClassLoaderName()))) {
                reasons.add("runs module code");
            }
            if (t.getContextClassLoader() == loader) {
                reasons.add("its context class loader is the module's");
            }
            if (t.getClass().getClassLoader() == loader) {
                reasons.add("its class " + t.getClass().getName() + " is the module's");
            }
            if (!reasons.isEmpty()) {
                leaks.add(new ThreadLeak(t.getName(), false, t.getState().name(), String.join("; ", reasons),
                        Arrays.stream(e.getValue()).limit(MAX_FRAMES).map(StackTraceElement::toString).toList()));
            }
        }
        leaks.addAll(virtualThreads(loaderName, platformIds, ignore));
        return leaks;
    }

    /** Virtual threads with a frame of the module, from the JSON thread dump. */
    static List<ThreadLeak> virtualThreads(String loaderName, Set<Long> platformIds, Set<Thread> ignore) {
        Set<Long> ignored = new HashSet<>();
        ignore.forEach(t -> ignored.add(t.threadId()));
        String prefix = loaderName + "/";
        List<ThreadLeak> leaks = new ArrayList<>();
        Path dump = null;
        try {
            dump = Files.createTempFile("kmod4j-threads-", ".json");
            Files.delete(dump); // dumpThreads refuses to overwrite
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Map<String, Object> root = JSON.std.mapFrom(Files.readString(dump));
            for (Object container : list(map(root.get("threadDump")).get("threadContainers"))) {
                for (Object thread : list(map(container).get("threads"))) {
                    Map<String, Object> th = map(thread);
                    long tid = Long.parseLong(String.valueOf(th.get("tid")));
                    if (platformIds.contains(tid) || ignored.contains(tid)) {
                        continue;
                    }
                    List<String> stack = list(th.get("stack")).stream().map(String::valueOf).toList();
                    if (stack.stream().anyMatch(f -> f.startsWith(prefix))) {
                        leaks.add(new ThreadLeak(nameOf(th, tid), true, String.valueOf(th.get("state")),
                                "runs module code", stack.stream().limit(MAX_FRAMES).toList()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            leaks.add(new ThreadLeak("(virtual threads)", true, "UNKNOWN",
                    "could not be scanned: " + e, List.of()));
        } finally {
            if (dump != null) {
                try {
                    Files.deleteIfExists(dump);
                } catch (IOException ignoredToo) {
                    // a temp file left behind is harmless
                }
            }
        }
        return leaks;
    }

    private static String nameOf(Map<String, Object> th, long tid) {
        Object n = th.get("name");
        return n == null || String.valueOf(n).isEmpty() ? "virtual thread #" + tid : String.valueOf(n);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }
}
