package io.kmod4j.runtime;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.ModuleRef;
import io.kmod4j.Taint;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.internal.SystemScheduler;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.UnloadReport.Pin;
import io.kmod4j.driver.Driver;
import io.kmod4j.driver.DriverRegistration;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.internal.KernelOwner;
import io.kmod4j.runtime.driver.DevicesFile;
import io.kmod4j.runtime.driver.DriverCore;
import io.kmod4j.runtime.log.Slf4jBridge;
import io.kmod4j.runtime.module.KernelServices;
import io.kmod4j.runtime.module.LoadedModule;
import io.kmod4j.runtime.module.ModuleIndex;
import io.kmod4j.runtime.module.ModuleJar;
import io.kmod4j.runtime.module.ModuleLoader;
import io.kmod4j.runtime.module.ModuleRefImpl;
import io.kmod4j.runtime.module.ModuleTable;
import io.kmod4j.runtime.unload.LoaderVerifier;
import io.kmod4j.runtime.unload.Unloader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The kernel: loads modules into their own class loaders, runs them, and unloads them with proof
 * that nothing of them still runs. The one public entry point of {@code kmod4j-runtime}.
 *
 * <pre>{@code
 * try (Kernel kernel = Kernel.boot()) {
 *     kernel.insmod(Path.of("hello.jar"), Map.of());
 *     UnloadReport report = kernel.rmmod("hello");
 *     System.out.print(report.format());
 * }
 * }</pre>
 *
 * <p>Thread-safe: every method may be called from any thread, concurrently. Operations on the
 * module list are serialised by one lock ({@code module_mutex}); module code ({@code init},
 * {@code exit}) never runs under it, and a module that misbehaves (throws, hangs in exit, leaks
 * threads) fails its own operation with an errno while the kernel keeps serving.
 */
public final class Kernel implements AutoCloseable {

    private final KernelConfig config;
    private final LogRing log;
    private final Scheduler scheduler;
    private final SystemScheduler ownScheduler;
    private final Executor workers;
    private final ModuleTable table = new ModuleTable();
    private final LoaderVerifier verifier;
    private final ModuleLoader loader;
    private final Unloader unloader;
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);        // guarded by itself
    private final Map<String, String> unloadedTainted = new LinkedHashMap<>(); // guarded by itself
    private final AutoCloseable slf4jBridge;
    private final DriverCore drivers;
    private final io.kmod4j.runtime.firmware.FirmwareLoader firmware;
    private volatile boolean closed;

    private Kernel(KernelConfig config) {
        this.config = config;
        this.log = config.log() != null ? config.log() : new LogRing();
        this.ownScheduler = config.scheduler() == null ? new SystemScheduler("kmod4j-ktimer", log) : null;
        this.scheduler = config.scheduler() != null ? config.scheduler() : ownScheduler;
        this.workers = config.workers() != null ? config.workers() : Kernel::kworker;
        this.verifier = new LoaderVerifier(config.maxCollections(), config.verifyBatchWindow());
        Services services = new Services();
        this.firmware = new io.kmod4j.runtime.firmware.FirmwareLoader(
                config.firmware() != null ? config.firmware() : io.kmod4j.runtime.firmware.FirmwareConfig.defaults(),
                log, scheduler);
        this.drivers = new DriverCore(log, scheduler, workers, config.asyncProbeParallelism(),
                config.deferredProbeTimeout(), this::autoload, this::firmwareProvider, this::addTaint);
        this.unloader = new Unloader(table, verifier, new UnloadHooks(), config.unloadTimeout(), config.verification());
        this.loader = new ModuleLoader(table, services, unloader::cleanUpFailedInit, this::tryGetModule,
                (m, d) -> drivers.register(m, d, m.asyncProbe()));
        this.slf4jBridge = config.slf4j() ? Slf4jBridge.attach(log) : () -> { };
    }

    private static void kworker(Runnable r) {
        Thread t = Thread.ofVirtual().name("kworker").unstarted(r);
        t.setContextClassLoader(null);
        t.start();
    }

    /** Boots a kernel with {@link KernelConfig#defaults()}. */
    public static Kernel boot() {
        try {
            return boot(KernelConfig.defaults());
        } catch (KernelException impossible) {
            throw new IllegalStateException("the default configuration has no devices file", impossible);
        }
    }

    /**
     * Boots a kernel; adds the devices of {@link KernelConfig#devicesFile()} if given.
     *
     * @throws KernelException if the devices file is missing or malformed (the message names the
     *     file and the field); nothing is left running
     */
    public static Kernel boot(KernelConfig config) throws KernelException {
        Kernel k = new Kernel(Objects.requireNonNull(config, "config"));
        k.log.log(Level.INFO, "kernel", "kmod4j " + version() + " booted on Java " + Runtime.version()
                + " (" + ModuleLoader.VERMAGIC + ")");
        if (config.devicesFile() != null) {
            try {
                for (DeviceSpec d : DevicesFile.read(config.devicesFile())) {
                    k.addDevice(d);
                }
            } catch (KernelException e) {
                k.close();
                throw e;
            }
        }
        return k;
    }

    /** kmod4j's version. */
    public static String version() {
        String v = Kernel.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }

    // ------------------------------------------------------------------ modules

    /**
     * Loads a module and runs its {@code init} ({@code insmod}).
     *
     * @param jar the module JAR
     * @param params parameter values by name; a {@code null} value is a bare name (sets a bool)
     * @return the module's status, Live
     * @throws KernelException ENOENT (no file, or a dependency is not loaded), ENOEXEC (not a
     *     module or built for another API), EEXIST (already loaded), EBUSY (loading or unloading),
     *     EINVAL (a parameter value), or the errno init failed with; after a failed init nothing
     *     the module started is left running
     */
    public ModuleStatus insmod(Path jar, Map<String, String> params) throws KernelException {
        checkOpen();
        Objects.requireNonNull(jar, "jar");
        LoadedModule m = loader.insmod(jar, params == null ? Map.of() : params);
        return status(m);
    }

    /** {@link #insmod(Path, Map)} without parameters. */
    public ModuleStatus insmod(Path jar) throws KernelException {
        return insmod(jar, Map.of());
    }

    /** {@link #rmmod(String, RmmodOptions)} with the defaults. */
    public UnloadReport rmmod(String name) throws KernelException {
        return rmmod(name, new RmmodOptions(false, null, unloader.defaultVerification()));
    }

    /**
     * Unloads a module ({@code rmmod}) by the six steps of the unload protocol.
     *
     * @return what was stopped, what leaked, and whether the class loader was collected
     * @throws KernelException ENOENT (not loaded), EWOULDBLOCK ("in use by" other modules, or
     *     referenced), EBUSY (loading, already being removed, or permanent), ETIMEDOUT (its exit or
     *     something it owns still ran at the deadline; it stays Unloading and a later rmmod
     *     resumes waiting)
     */
    public UnloadReport rmmod(String name, RmmodOptions options) throws KernelException {
        checkOpen();
        return unloader.rmmod(Objects.requireNonNull(name, "name"), Objects.requireNonNull(options, "options"));
    }

    /** The loaded modules, most recently loaded first ({@code lsmod}, {@code /proc/modules}). */
    public List<ModuleStatus> lsmod() {
        List<ModuleStatus> out = new ArrayList<>();
        for (LoadedModule m : table.snapshot()) {
            if (m.state() != ModuleState.UNFORMED) {
                out.add(status(m));
            }
        }
        return out;
    }

    /** One module's status, if loaded. */
    public Optional<ModuleStatus> status(String name) {
        return table.find(name).map(this::status);
    }

    private ModuleStatus status(LoadedModule m) {
        List<String> owned = new ArrayList<>();
        for (OwnedResource r : m.resources()) {
            owned.add(r.describe());
        }
        return new ModuleStatus(m.name(), m.jar().size(), m.refcount(), m.holders(), m.state(), m.info().version(),
                m.params() == null ? Map.of() : m.params().asText(), owned, m.taints());
    }

    /**
     * A module's metadata: of the loaded module with that name, or else of the JAR at that path
     * ({@code modinfo}); no module code runs.
     *
     * @throws KernelException ENOENT if it is neither a loaded module nor a file, ENOEXEC if the
     *     file is not a module
     */
    public ModInfo modinfo(String nameOrPath) throws KernelException {
        Optional<LoadedModule> m = table.find(nameOrPath);
        if (m.isPresent()) {
            return m.get().info();
        }
        Path p = Path.of(nameOrPath);
        if (!p.toFile().exists() && !nameOrPath.contains("/") && !nameOrPath.endsWith(".jar")) {
            try {
                Optional<ModuleIndex.Entry> e = ModuleIndex.read(config.moduleDir()).lookup(nameOrPath);
                if (e.isPresent()) {
                    return ModuleJar.readInfo(e.get().jar());
                }
            } catch (KernelException noIndex) {
                // fall through to the plain error below
            }
            throw new KernelException(Errno.ENOENT, "Module " + nameOrPath + " not found.");
        }
        return modinfo(p);
    }

    /** The metadata of a module JAR, without loading it. */
    public static ModInfo modinfo(Path jar) throws KernelException {
        return ModuleJar.readInfo(jar);
    }

    /**
     * Writes the dependency and alias index of a directory of module JARs ({@code depmod}).
     *
     * @throws KernelException ENOENT if the directory does not exist, EIO if it cannot be written
     */
    public static ModuleIndex.DepmodResult depmod(Path dir) throws KernelException {
        return ModuleIndex.depmod(dir);
    }

    /** {@code depmod} of this kernel's module directory. */
    public ModuleIndex.DepmodResult depmod() throws KernelException {
        return depmod(config.moduleDir());
    }

    /**
     * Loads a module by name or alias from the module directory, its dependencies first
     * ({@code modprobe}). Modules already loaded are left alone.
     *
     * @param params parameters for the named module (not its dependencies)
     * @return the modules this call loaded, in load order (empty if it was already loaded)
     * @throws KernelException ENOENT if there is no index or no such module, or as {@link #insmod}
     */
    public List<ModuleStatus> modprobe(String nameOrAlias, Map<String, String> params) throws KernelException {
        checkOpen();
        ModuleIndex index = ModuleIndex.read(config.moduleDir());
        ModuleIndex.Entry e = index.lookup(nameOrAlias).orElseThrow(() -> new KernelException(Errno.ENOENT,
                "Module " + nameOrAlias + " not found in directory " + config.moduleDir().toAbsolutePath()));
        List<ModuleStatus> loaded = new ArrayList<>();
        for (String dep : e.dependencyChain()) {
            if (status(dep).isEmpty()) {
                ModuleIndex.Entry de = index.entry(dep).orElseThrow(() -> new KernelException(Errno.ENOENT,
                        "Module " + dep + " (needed by " + e.name() + ") not found in " + config.moduleDir()));
                loaded.add(insmod(de.jar(), Map.of()));
            }
        }
        if (status(e.name()).isEmpty()) {
            loaded.add(insmod(e.jar(), params));
        }
        return loaded;
    }

    /**
     * Unloads a module and then its dependencies that nothing else uses any more
     * ({@code modprobe -r}).
     *
     * @return one report per module unloaded, in unload order
     * @throws KernelException as {@link #rmmod}; dependencies still in use are left loaded
     */
    public List<UnloadReport> modprobeRemove(String nameOrAlias) throws KernelException {
        checkOpen();
        String name = nameOrAlias;
        List<String> chain = List.of();
        try {
            ModuleIndex index = ModuleIndex.read(config.moduleDir());
            Optional<ModuleIndex.Entry> e = index.lookup(nameOrAlias);
            if (e.isPresent()) {
                name = e.get().name();
                chain = e.get().dependencyChain();
            }
        } catch (KernelException noIndex) {
            // without an index only the module itself is removed
        }
        if (chain.isEmpty()) {
            chain = table.find(name).map(m -> m.info().depends()).orElse(List.of());
        }
        List<UnloadReport> reports = new ArrayList<>();
        reports.add(rmmod(name));
        List<String> reverse = new ArrayList<>(chain);
        java.util.Collections.reverse(reverse);
        for (String dep : reverse) {
            Optional<ModuleStatus> s = status(dep);
            if (s.isPresent() && s.get().usedBy().isEmpty() && s.get().refcount() == 0 && s.get().state() == ModuleState.LIVE) {
                reports.add(rmmod(dep));
            }
        }
        return reports;
    }

    /**
     * Takes a counted reference on a live module ({@code try_module_get}).
     *
     * @return the reference, or empty if the module is not loaded or is going
     */
    public Optional<ModuleRef> tryGetModule(String name) {
        return table.find(name).map(ModuleRefImpl::tryGet);
    }

    // ------------------------------------------------------------------ devices and drivers

    /**
     * Adds a device to the platform bus ({@code device_add}) and binds a driver to it; if none
     * matches and autoload is on, modprobes its aliases on a worker, as udev would.
     *
     * @throws KernelException {@code EEXIST} if a device of that name exists
     */
    public void addDevice(DeviceSpec device) throws KernelException {
        checkOpen();
        drivers.addDevice(Objects.requireNonNull(device, "device"));
    }

    /**
     * Removes a device ({@code device_del}): its driver's {@code remove} runs, then its managed
     * resources are released.
     *
     * @throws KernelException {@code ENODEV} if there is no such device
     */
    public void removeDevice(String name) throws KernelException {
        checkOpen();
        drivers.removeDevice(name);
    }

    /** Every device and how it is bound ({@code kmod4j devices}). */
    public List<DeviceStatus> devices() {
        return drivers.devices();
    }

    /** One device, if present. */
    public Optional<DeviceStatus> device(String name) {
        return drivers.device(name);
    }

    /**
     * Binds a device to a driver by hand.
     *
     * @throws KernelException {@code ENODEV} (no such device or driver, or no match),
     *     {@code EBUSY} (already bound), or the probe's errno
     */
    public void bind(String device, String driver) throws KernelException {
        checkOpen();
        drivers.bind(device, driver);
    }

    /**
     * Unbinds a device from its driver by hand.
     *
     * @throws KernelException {@code ENODEV} if there is no such device or it is not bound
     */
    public void unbind(String device) throws KernelException {
        checkOpen();
        drivers.unbind(device);
    }

    /**
     * Registers a driver that belongs to the host, not to a module (it is never unloaded by
     * {@code rmmod}; close the registration to remove it).
     *
     * @throws KernelException as {@code ModuleContext.registerDriver}
     */
    public DriverRegistration registerDriver(Driver driver) throws KernelException {
        checkOpen();
        return drivers.register(KernelOwner.INSTANCE, driver, false);
    }

    /**
     * Waits until no asynchronous or deferred probe is queued or running
     * ({@code wait_for_device_probe}).
     *
     * @return {@code false} if the timeout passed first
     */
    public boolean waitForDeviceProbe(Duration timeout) throws InterruptedException {
        return drivers.waitForDeviceProbe(timeout);
    }

    /** The driver core's view of a device, as a driver sees it; for the firmware-upload API and tests. */
    public Optional<io.kmod4j.driver.Device> deviceHandle(String name) {
        return drivers.deviceHandle(name);
    }

    /** The firmware provider devices of this kernel use. */
    FirmwareProvider firmwareProvider() {
        return firmware;
    }

    /**
     * The kernel's firmware loader: search path, images held, the fallback loader
     * ({@code kmod4j fw load}), and firmware uploads ({@code kmod4j fw upload/status/cancel}).
     */
    public io.kmod4j.runtime.firmware.FirmwareLoader firmware() {
        return firmware;
    }

    private void autoload(String alias) {
        if (!config.autoload() || closed
                || !java.nio.file.Files.isRegularFile(config.moduleDir().resolve("modules.alias"))) {
            return;
        }
        workers.execute(() -> {
            try {
                ModuleIndex index = ModuleIndex.read(config.moduleDir());
                if (index.lookup(alias).isEmpty()) {
                    log.log(Level.DEBUG, "kernel", "autoload: no module for alias " + alias);
                    return;
                }
                log.log(Level.INFO, "kernel", "autoload: modprobe " + alias);
                modprobe(alias, Map.of());
            } catch (KernelException | IllegalStateException e) {
                log.log(Level.WARNING, "kernel", "autoload: modprobe " + alias + " failed: " + e.getMessage());
            }
        });
    }

    // ------------------------------------------------------------------ log and taint

    /** The kernel log ring ({@code /dev/kmsg}). */
    public LogRing log() {
        return log;
    }

    /** Every line still in the log ({@code dmesg}). */
    public List<LogRecord> dmesg() {
        return log.records();
    }

    /** The kernel's taint flags ({@code /proc/sys/kernel/tainted}). */
    public Set<Taint> taints() {
        synchronized (taints) {
            return taints.isEmpty() ? EnumSet.noneOf(Taint.class) : EnumSet.copyOf(taints);
        }
    }

    /**
     * Unloaded modules that left taint behind, as Linux prints them after an oops
     * ({@code "Unloaded tainted modules: hello(Z):1"}): {@code name(letters):count}.
     */
    public List<String> unloadedTaintedModules() {
        synchronized (unloadedTainted) {
            List<String> out = new ArrayList<>();
            unloadedTainted.forEach((k, v) -> out.add(k + v));
            return out;
        }
    }

    /** Loaders still waiting for their background verdict (asynchronous rmmod). */
    public int pendingVerifications() {
        return verifier.pendingCount();
    }

    /** The configuration this kernel booted with. */
    public KernelConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Unloads every module, dependents before their dependencies, then stops the kernel's own
     * threads. A module that will not go in time is forced out (and taints the kernel). Further
     * calls on this kernel fail with {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (int round = 0; round < 1000; round++) {
            List<ModuleStatus> live = lsmod();
            if (live.isEmpty()) {
                break;
            }
            boolean progress = false;
            for (ModuleStatus s : live) {
                if (!s.usedBy().isEmpty() || s.state() == ModuleState.COMING) {
                    continue;
                }
                try {
                    rmmod(s.name(), new RmmodOptions(false, null, RmmodOptions.Verification.SYNC));
                    progress = true;
                } catch (KernelException e) {
                    try {
                        log.log(Level.WARNING, "kernel", "shutdown: " + e.getMessage() + "; forcing " + s.name() + " out");
                        rmmod(s.name(), new RmmodOptions(true, Duration.ofSeconds(1), RmmodOptions.Verification.SYNC));
                        progress = true;
                    } catch (KernelException again) {
                        log.log(Level.ERR, "kernel", "shutdown: cannot remove " + s.name() + ": " + again.getMessage());
                    }
                }
            }
            if (!progress) {
                break;
            }
        }
        for (DeviceStatus d : drivers.devices()) {
            try {
                drivers.removeDevice(d.name());
            } catch (KernelException gone) {
                // removed meanwhile
            }
        }
        closed = true;
        drivers.shutdown();
        unloader.close();
        verifier.close();
        if (ownScheduler != null) {
            ownScheduler.shutdown();
        }
        try {
            slf4jBridge.close();
        } catch (Exception e) {
            // closing a log subscription does not fail
        }
        log.log(Level.INFO, "kernel", "kernel shut down");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this kernel has been closed");
        }
    }

    // ------------------------------------------------------------------ wiring

    private void addTaint(Taint t) {
        synchronized (taints) {
            taints.add(t);
        }
    }

    private final class Services implements KernelServices {
        @Override
        public LogRing log() {
            return log;
        }

        @Override
        public void taint(Taint taint) {
            addTaint(taint);
        }

        @Override
        public Executor workers() {
            return workers;
        }

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public int threadLimitPerModule() {
            return config.threadLimitPerModule();
        }

        @Override
        public FirmwareProvider firmware() {
            return firmware;
        }
    }

    private final class UnloadHooks implements Unloader.Hooks {
        @Override
        public void detachDrivers(LoadedModule m) {
            drivers.unregisterAll(m);
        }

        @Override
        public void unloaded(LoadedModule m, UnloadReport report) {
            if (report.taints().contains(Taint.LEAKED) || report.outcome() == UnloadReport.Outcome.FORCED) {
                recordTainted(report.module(), report.taints());
            }
            log.log(Level.INFO, "kernel", "rmmod " + report.module() + ": " + report.outcome().name().toLowerCase(java.util.Locale.ROOT)
                    + ", " + report.stopped().size() + " stopped, " + report.leaks().size() + " leaked, class loader "
                    + report.loader().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }

        @Override
        public void verified(String module, int loadNumber, boolean collected, List<Pin> pins) {
            if (collected) {
                log.log(Level.INFO, "kernel", module + ": class loader collected (background verification)");
            } else {
                addTaint(Taint.LEAKED);
                recordTainted(module, EnumSet.of(Taint.LEAKED));
                log.log(Level.WARNING, "kernel", module + ": class loader not collected after unload; module code is still reachable"
                        + (pins.isEmpty() ? "" : ":\n  " + String.join("\n  ", pins.stream().map(p -> p.kind() + ": " + p.description()).toList())));
            }
        }
    }

    private void recordTainted(String module, Set<Taint> flags) {
        synchronized (unloadedTainted) {
            String key = module + "(" + Taint.letters(flags) + ")";
            String previous = unloadedTainted.remove(key);
            int count = previous == null ? 1 : Integer.parseInt(previous.substring(1)) + 1;
            unloadedTainted.put(key, ":" + count);
        }
    }
}
