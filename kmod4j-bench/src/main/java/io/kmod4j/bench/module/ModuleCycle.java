package io.kmod4j.bench.module;

import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.bench.BenchFiles;
import io.kmod4j.bench.Figure;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.RmmodOptions;
import io.kmod4j.runtime.UnloadReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/**
 * One whole life of a small module, {@code insmod} + {@code init} + {@code exit} + {@code rmmod},
 * against PF4J 3.15 loading, starting, stopping and unloading the equivalent plugin JAR, in the
 * same run (issue 3).
 *
 * <p><b>The module and its twin.</b> kmod4j loads {@code examples/hello} exactly as its Maven
 * build makes it (kmod4j-modpost writes its metadata): {@code init} logs "Hello World" and
 * {@code KThread.run}s a function that logs one line and returns 0; {@code exit} logs "Bye World".
 * PF4J loads {@link io.kmod4j.bench.module.plugin.HelloPlugin} from a plugin JAR written at setup
 * (manifest descriptor, one class): {@code start()} logs and starts one platform thread that logs
 * and returns, {@code stop()} logs and joins that thread. The thread is the fairest equivalent:
 * both sides create, run and join one platform thread per cycle, which is what kmod4j's rmmod
 * guarantees (everything the module started is stopped and joined) and what a careful plugin
 * must do by hand. Both log to an in-memory ring. A PF4J cycle is {@code loadPlugin(jar)},
 * {@code startPlugin}, {@code stopPlugin}, {@code unloadPlugin} on a {@code DefaultPluginManager}
 * (plugin-first class loader, closed at unload; setup checks the plugin class is defined by it).
 *
 * <p><b>What kmod4j does on top.</b> insmod reads the JAR into memory and hashes it (the parse of
 * the same bytes is remembered), and makes an isolated class loader; rmmod runs the six steps of
 * the unload protocol: exit on a thread of its own (a reused exit worker), stop and join the
 * owned kthread, scan every live thread for ones started behind the runtime's back, forget the
 * module, and prove its class loader collected by garbage collection.
 * PF4J proves nothing; its loaders go whenever the collector happens to run.
 *
 * <p><b>The figures.</b>
 * <ul>
 *   <li>{@link #verifiedCycles} (the target): {@value #BATCH} cycles with
 *       {@code Verification.ASYNC}, then wait until {@code kernel.pendingVerifications() == 0}
 *       and check that no unload tainted the kernel {@code LEAKED}: every one of the
 *       {@value #BATCH} loaders is proven collected inside the measured time. The background
 *       verifier proves a burst of unloads with one collection: it collects 10 ms after the last
 *       unload, or once the oldest has waited {@code verifyBatchWindow} (250 ms, the default). Throughput in cycles per second against {@link #pf4jCycles}, the same
 *       {@value #BATCH} cycles of PF4J. <b>Target:</b> at least PF4J's throughput (ratio of time
 *       per cycle at most 1.0).
 *   <li>{@link #syncCycle}: one cycle with {@code Verification.SYNC}, the proof on the caller's
 *       thread; for information against the same PF4J cycle.
 *   <li>{@link #rmmodSync}: the latency of one {@code rmmod} with synchronous proof (the module is
 *       loaded in an untimed per-invocation setup) against {@link #pf4jStopUnload},
 *       {@code stopPlugin} + {@code unloadPlugin}. For information: what a user waits for at the
 *       command line.
 * </ul>
 *
 * <p><b>Collectors.</b> The cost of a proof is the cost of a collection that unloads classes:
 * a stop-the-world full GC on G1, a concurrent cycle on ZGC (decision 0010). Both sides run on the
 * same collector in each subclass: {@link ModuleCycleZgc} (the figure of record, what the
 * {@code kmod4j} launcher uses) and {@link ModuleCycleG1} (the JVM's default, for reference). The
 * forks get the runtime's {@code --add-opens java.base/java.lang=ALL-UNNAMED
 * --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} (virtual threads are then scanned through
 * the JDK's thread registry rather than a JSON thread dump) and a 1 GiB heap.
 *
 * <p><b>Reproduce:</b> {@code ./build bench 'io.kmod4j.bench.module.ModuleCycle' -f 2 -wi 3 -w 2s -i 5 -r 2s}
 */
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class ModuleCycle {

    /**
     * Cycles per invocation of the throughput benchmarks. The last unloads of a batch wait up to
     * one batch window plus one collection for their proof, a tail that continuous cycling would
     * overlap with the next cycles; 100 cycles (about a second) keep it a small share.
     */
    static final int BATCH = 100;

    static final String MODULE = "hello";

    private static final RmmodOptions ASYNC = RmmodOptions.defaults().withVerification(RmmodOptions.Verification.ASYNC);
    private static final RmmodOptions SYNC = RmmodOptions.defaults().withVerification(RmmodOptions.Verification.SYNC);

    /** A kernel and a PF4J manager, each with its JAR, for one trial. */
    @State(Scope.Benchmark)
    public static class Env {
        Path dir;
        Path moduleJar;
        Path pluginJar;
        Kernel kernel;
        PluginManager pf4j;

        @Setup(Level.Trial)
        public void setUp() throws IOException, KernelException {
            dir = Files.createTempDirectory("kmod4j-cycle-bench");
            moduleJar = BenchFiles.copyModuleJar(MODULE, dir);
            Path plugins = Files.createDirectories(dir.resolve("plugins"));
            pluginJar = PluginHost.writePluginJar(plugins);
            kernel = Kernel.boot(KernelConfig.builder().log(new LogRing()).moduleDir(dir).autoload(false).build());
            pf4j = new DefaultPluginManager(plugins);
            checkPluginIsolated();
        }

        /** The plugin class must come from the plugin's own loader, or the peer would skip class loading. */
        private void checkPluginIsolated() {
            String id = pf4j.loadPlugin(pluginJar);
            pf4j.startPlugin(id);
            ClassLoader cl = pf4j.getPlugin(id).getPlugin().getClass().getClassLoader();
            if (!(cl instanceof PluginClassLoader)) {
                throw new IllegalStateException("HelloPlugin was defined by " + cl + ", not by PF4J's plugin loader");
            }
            pf4j.stopPlugin(id);
            pf4j.unloadPlugin(id);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            kernel.close();
            for (var p : pf4j.getPlugins()) { // stopPlugins() throws ConcurrentModificationException in 3.15.0
                pf4j.unloadPlugin(p.getPluginId());
            }
            BenchFiles.deleteTree(dir);
        }
    }

    /** {@code hello} loaded before each invocation, outside the measured time. */
    @State(Scope.Thread)
    public static class Loaded {
        @Setup(Level.Invocation)
        public void load(Env env) throws KernelException {
            env.kernel.insmod(env.moduleJar, Map.of());
        }
    }

    /** The plugin loaded and started before each invocation, outside the measured time. */
    @State(Scope.Thread)
    public static class Started {
        String id;

        @Setup(Level.Invocation)
        public void start(Env env) {
            id = env.pf4j.loadPlugin(env.pluginJar);
            env.pf4j.startPlugin(id);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(BATCH)
    @Figure(peer = "pf4jCycles", target = 1.0,
            what = "verified cycle throughput: hello insmod+init+exit+rmmod, every loader proven collected (ASYNC, batched) vs PF4J load+start+stop+unload")
    public int verifiedCycles(Env env) throws KernelException {
        for (int i = 0; i < BATCH; i++) {
            env.kernel.insmod(env.moduleJar, Map.of());
            check(env.kernel.rmmod(MODULE, ASYNC), UnloadReport.LoaderVerdict.PENDING);
        }
        while (env.kernel.pendingVerifications() > 0) {
            LockSupport.parkNanos(100_000);
        }
        if (env.kernel.taints().contains(Taint.LEAKED)) {
            throw new IllegalStateException("a loader was not collected: " + env.kernel.unloadedTaintedModules());
        }
        return BATCH;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(BATCH)
    public int pf4jCycles(Env env) {
        for (int i = 0; i < BATCH; i++) {
            pf4jCycle(env.pf4j, env.pluginJar);
        }
        return BATCH;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Figure(peer = "pf4jCycles",
            what = "one cycle with synchronous proof (SYNC, a collection per rmmod) vs PF4J load+start+stop+unload")
    public UnloadReport syncCycle(Env env) throws KernelException {
        env.kernel.insmod(env.moduleJar, Map.of());
        return check(env.kernel.rmmod(MODULE, SYNC), UnloadReport.LoaderVerdict.COLLECTED);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Figure(peer = "pf4jStopUnload",
            what = "rmmod latency with synchronous proof (SYNC) vs PF4J stopPlugin+unloadPlugin (no proof)")
    public UnloadReport rmmodSync(Env env, Loaded loaded) throws KernelException {
        return check(env.kernel.rmmod(MODULE, SYNC), UnloadReport.LoaderVerdict.COLLECTED);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public PluginState pf4jStopUnload(Env env, Started started) {
        PluginState s = env.pf4j.stopPlugin(started.id);
        if (!env.pf4j.unloadPlugin(started.id)) {
            throw new IllegalStateException("PF4J did not unload " + started.id);
        }
        return s;
    }

    static void pf4jCycle(PluginManager pf4j, Path jar) {
        String id = pf4j.loadPlugin(jar);
        if (pf4j.startPlugin(id) != PluginState.STARTED) {
            throw new IllegalStateException("PF4J did not start " + id);
        }
        pf4j.stopPlugin(id);
        if (!pf4j.unloadPlugin(id)) {
            throw new IllegalStateException("PF4J did not unload " + id);
        }
    }

    private static UnloadReport check(UnloadReport r, UnloadReport.LoaderVerdict expected) {
        if (r.outcome() != UnloadReport.Outcome.UNLOADED || !r.leaks().isEmpty() || r.loader() != expected) {
            throw new IllegalStateException("unclean unload:\n" + r.format());
        }
        return r;
    }
}
