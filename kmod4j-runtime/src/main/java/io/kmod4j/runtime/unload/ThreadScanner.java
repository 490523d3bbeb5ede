package io.kmod4j.runtime.unload;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.kmod4j.runtime.UnloadReport.ThreadLeak;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds live threads that run code of one load of a module, or hold its class loader, although
 * the runtime did not start them: step 4 of the unload protocol.
 *
 * <p>A thread counts if a frame's class loader is the module's (matched by the loader's unique
 * name), if its context class loader is the module's, or if its own class was defined by the
 * module. Threads, platform and virtual, are listed from the JDK's registry of thread containers
 * when it is exported to us, and their stacks taken one by one. Without the export, platform
 * threads come from {@link Thread#getAllStackTraces()} and virtual threads, which are not in that
 * map, from the JSON thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}), whose frames carry
 * the loader's name too.
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
        Optional<List<Thread>> all = allThreads();
        if (all.isPresent()) {
            return scan(all.get(), loader, loaderName, ignore);
        }
        List<ThreadLeak> leaks = new ArrayList<>();
        Set<Long> platformIds = new HashSet<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            platformIds.add(t.threadId());
            if (t == Thread.currentThread() || ignore.contains(t) || !t.isAlive()) {
                continue;
            }
            check(t, e.getValue(), loader, loaderName).ifPresent(leaks::add);
        }
        leaks.addAll(virtualThreads(loaderName, platformIds, ignore));
        return leaks;
    }

    /**
     * The registry path: one stack at a time, each a handshake with that thread alone, where
     * getAllStackTraces() stops every thread at a safepoint, which on a busy machine (a concurrent
     * collection proving earlier unloads, say) waits its turn. The registry lists every thread the
     * JDK started or the VM created; should the JVM report more live platform threads than it
     * listed (one attached from native code, say), the platform threads are taken from
     * getAllStackTraces() after all, so none is missed.
     */
    static List<ThreadLeak> scan(List<Thread> registry, ClassLoader loader, String loaderName, Set<Thread> ignore) {
        Map<Thread, StackTraceElement[]> dumped = Map.of();
        List<Thread> threads = registry;
        long listed = registry.stream().filter(t -> !t.isVirtual()).count();
        if (listed < LIVE_PLATFORM_THREADS.getThreadCount()) {
            dumped = Thread.getAllStackTraces();
            Set<Thread> union = new java.util.LinkedHashSet<>(dumped.keySet());
            union.addAll(registry);
            threads = List.copyOf(union);
        }
        List<ThreadLeak> platform = new ArrayList<>();
        List<ThreadLeak> virtual = new ArrayList<>();
        for (Thread t : threads) {
            if (t == Thread.currentThread() || ignore.contains(t) || !t.isAlive()) {
                continue;
            }
            StackTraceElement[] stack = dumped.get(t); // already taken by the fallback's dump
            check(t, stack != null ? stack : t.getStackTrace(), loader, loaderName)
                    .ifPresent(t.isVirtual() ? virtual::add : platform::add);
        }
        platform.addAll(virtual);
        return platform;
    }

    private static final java.lang.management.ThreadMXBean LIVE_PLATFORM_THREADS = ManagementFactory.getThreadMXBean();

    private static Optional<ThreadLeak> check(Thread t, StackTraceElement[] stack, ClassLoader loader, String loaderName) {
        List<String> reasons = new ArrayList<>();
        if (Arrays.stream(stack).anyMatch(f -> loaderName.equals(f.getClassLoaderName()))) {
            reasons.add("runs module code");
        }
        if (t.getContextClassLoader() == loader) {
            reasons.add("its context class loader is the module's");
        }
        if (t.getClass().getClassLoader() == loader) {
            reasons.add("its class " + t.getClass().getName() + " is the module's");
        }
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ThreadLeak(t.getName().isEmpty() ? "virtual thread #" + t.threadId() : t.getName(),
                t.isVirtual(), t.getState().name(), String.join("; ", reasons),
                Arrays.stream(stack).limit(MAX_FRAMES).map(StackTraceElement::toString).toList()));
    }

    // The JDK's registry of thread containers lists virtual threads too. It is internal: reading it
    // needs --add-exports java.base/jdk.internal.vm=ALL-UNNAMED (the launcher passes it); without
    // that the JSON thread dump, a supported API but slower, stands in.
    private static final MethodHandle ROOT;
    private static final MethodHandle CHILDREN;
    private static final MethodHandle THREADS;

    static {
        MethodHandle root = null;
        MethodHandle children = null;
        MethodHandle threads = null;
        try {
            Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
            Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            root = lookup.findStatic(containers, "root", MethodType.methodType(container));
            children = lookup.findVirtual(container, "children", MethodType.methodType(Stream.class));
            threads = lookup.findVirtual(container, "threads", MethodType.methodType(Stream.class));
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            root = null;
        }
        ROOT = root;
        CHILDREN = children;
        THREADS = threads;
    }

    /**
     * Every thread the JDK tracks, virtual ones included; empty if the registry is not readable
     * (without {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}). Also what the soak
     * test counts threads with.
     */
    public static Optional<List<Thread>> allThreads() {
        if (ROOT == null) {
            return Optional.empty();
        }
        try {
            List<Thread> out = new ArrayList<>();
            collect(ROOT.invoke(), out, 0);
            return Optional.of(out);
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    private static void collect(Object container, List<Thread> out, int depth) throws Throwable {
        try (Stream<?> ts = (Stream<?>) THREADS.invoke(container)) {
            ts.forEach(t -> out.add((Thread) t));
        }
        if (depth > 64) {
            return;
        }
        List<?> kids;
        try (Stream<?> cs = (Stream<?>) CHILDREN.invoke(container)) {
            kids = cs.toList();
        }
        for (Object kid : kids) {
            collect(kid, out, depth + 1);
        }
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
