package io.kmod4j.runtime.module;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleRef;
import io.kmod4j.Taint;
import io.kmod4j.internal.Oops;
import io.kmod4j.log.Level;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.ModuleState;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code insmod}: reads a module JAR, lays it out in its own class loader, sets its parameters
 * and runs its {@code init} ({@code load_module} and {@code do_init_module}).
 *
 * <p>The module table's lock is held only to check names and dependencies and to publish the
 * module as COMING; the module's constructor and {@code init} run without it.
 */
public final class ModuleLoader {

    /** The parameter every module accepts ({@code async_probe}): probe its drivers asynchronously. */
    public static final String ASYNC_PROBE = "async_probe";

    /** The API version modules must be built against: {@code kmod4j-api MAJOR.MINOR}. */
    public static final String VERMAGIC = "kmod4j-api " + apiMajorMinor();

    /** What insmod needs from the rest of the kernel: undo a failed init the unload way. */
    public interface FailedInitCleanup {
        /** Stops and joins everything {@code m} started, forgets it and proves its loader gone. */
        void cleanUp(LoadedModule m);
    }

    private final ModuleTable table;
    private final KernelServices services;
    private final FailedInitCleanup cleanup;
    private final Function<String, Optional<ModuleRef>> refs;
    private final ModuleContextImpl.DriverRegistrar drivers;

    public ModuleLoader(ModuleTable table, KernelServices services, FailedInitCleanup cleanup,
                        Function<String, Optional<ModuleRef>> refs, ModuleContextImpl.DriverRegistrar drivers) {
        this.table = table;
        this.services = services;
        this.cleanup = cleanup;
        this.refs = refs;
        this.drivers = drivers;
    }

    /**
     * Loads and initialises a module.
     *
     * @param jarPath the module JAR
     * @param given parameters, {@code name -> value} ({@code null} value: a bare name)
     * @return the module, LIVE
     * @throws KernelException ENOENT (no file, or a dependency not loaded), ENOEXEC (not a module,
     *     wrong vermagic, broken class), EEXIST (already loaded), EBUSY (same name loading or going),
     *     EINVAL (bad parameter), or the errno of a failed init
     */
    public LoadedModule insmod(Path jarPath, Map<String, String> given) throws KernelException {
        ModuleJar jar = ModuleJar.read(jarPath);
        ModInfo info = jar.info();
        if (!VERMAGIC.equals(info.vermagic())) {
            throw new KernelException(Errno.ENOEXEC, info.name() + ": disagrees about version of symbol module_layout"
                    + " (built for '" + info.vermagic() + "', this kernel is '" + VERMAGIC + "')");
        }
        LoadedModule m = table.lockedChecked(() -> layOut(jar));
        try {
            initialise(m, given);
        } catch (KernelException e) {
            table.locked(() -> {
                m.moveTo(ModuleState.GOING);
                return null;
            });
            cleanup.cleanUp(m);
            throw e;
        }
        table.locked(() -> {
            m.moveTo(ModuleState.LIVE);
            return null;
        });
        return m;
    }

    /** Under the module mutex: names, dependencies, class loader, COMING. */
    private LoadedModule layOut(ModuleJar jar) throws KernelException {
        ModInfo info = jar.info();
        Optional<LoadedModule> existing = table.get(info.name());
        if (existing.isPresent()) {
            if (existing.get().state() == ModuleState.LIVE) {
                throw new KernelException(Errno.EEXIST, "Module " + info.name() + " already in kernel");
            }
            throw new KernelException(Errno.EBUSY, "Module " + info.name() + " is "
                    + existing.get().state().procName().toLowerCase(java.util.Locale.ROOT) + "; try again when it is done");
        }
        LoadedModule m = new LoadedModule(services, jar, table.nextLoadNumber());
        Map<String, ModuleClassLoader> imports = new HashMap<>();
        for (String dep : info.depends()) {
            LoadedModule d = table.get(dep).orElse(null);
            if (d == null || d.state() != ModuleState.LIVE) {
                throw new KernelException(Errno.ENOENT, info.name() + ": Unknown symbol in module: it depends on '"
                        + dep + "', which is not loaded" + (d == null ? "" : " (" + d.state().procName() + ")")
                        + "; load it first or use modprobe");
            }
            for (String pkg : d.info().exports()) {
                imports.put(pkg, d.loader());
            }
        }
        for (String dep : info.depends()) {
            LoadedModule d = table.get(dep).orElseThrow();
            d.tryGet();
            d.addHolder(info.name());
            m.dependencies().add(d);
        }
        m.setLoader(new ModuleClassLoader("kmod4j:" + info.name() + "#" + m.loadNumber(), jar,
                Module.class.getClassLoader(), imports, m));
        m.moveTo(ModuleState.COMING);
        table.put(m);
        return m;
    }

    /** Without the mutex: licence, parameters, instance, init. */
    private void initialise(LoadedModule m, Map<String, String> given) throws KernelException {
        ModInfo info = m.info();
        if (!info.gplCompatible()) {
            m.taint(Taint.PROPRIETARY_MODULE, "licence " + info.license());
            m.printk(Level.WARNING, info.name() + ": module license '" + info.license() + "' taints kernel.");
        }
        Map<String, String> own = new java.util.LinkedHashMap<>(given);
        if (own.containsKey(ASYNC_PROBE) && info.param(ASYNC_PROBE).isEmpty()) {
            String v = own.remove(ASYNC_PROBE);
            try {
                m.setAsyncProbe(v == null || ParamType.parseBool(v));
            } catch (IllegalArgumentException e) {
                throw new KernelException(Errno.EINVAL, info.name() + ": `" + v + "' invalid for parameter `"
                        + ASYNC_PROBE + "': " + e.getMessage());
            }
        }
        ParamValues params = ParamValues.resolve(info, own, w -> m.printk(Level.WARNING, w));
        m.setParams(params);
        Class<?> entry;
        try {
            entry = m.loader().loadClass(info.entry());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new KernelException(Errno.ENOEXEC, info.name() + ": entry class " + info.entry()
                    + " cannot be loaded: " + e, e);
        }
        if (!Module.class.isAssignableFrom(entry) || Modifier.isAbstract(entry.getModifiers())) {
            throw new KernelException(Errno.ENOEXEC, info.name() + ": entry class " + info.entry()
                    + " is not a concrete io.kmod4j.Module");
        }
        ModuleContextImpl ctx = new ModuleContextImpl(m, refs, drivers);
        try {
            InModule.run(m, () -> {
                Constructor<?> ctor = entry.getDeclaredConstructor();
                ctor.setAccessible(true);
                Module instance;
                try {
                    instance = (Module) ctor.newInstance();
                } catch (InvocationTargetException e) {
                    throw asException(e.getCause());
                }
                params.inject(entry, instance);
                m.setInstance(instance);
                m.setContext(ctx);
                instance.init(ctx);
            });
        } catch (KernelException e) {
            ctx.invalidate();
            m.printk(Level.ERR, info.name() + ": init failed: " + e.getMessage() + " (" + e.errno().name() + ")");
            throw e;
        } catch (Exception | LinkageError e) {
            ctx.invalidate();
            throw initFailure(m, e);
        } catch (Error e) {
            ctx.invalidate();
            throw initFailure(m, e);
        }
    }

    private static Exception asException(Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new RuntimeException(t);
    }

    /** Maps what escaped init to the errno insmod reports, and logs it like the kernel would. */
    private static KernelException initFailure(LoadedModule m, Throwable t) {
        String name = m.name();
        if (t instanceof NoSuchMethodException) {
            return new KernelException(Errno.ENOEXEC, name + ": entry class has no no-argument constructor", t);
        }
        if (t instanceof LinkageError) {
            m.printk(Level.ERR, name + ": Unknown symbol in module: " + t);
            return new KernelException(Errno.ENOENT, name + ": Unknown symbol in module: " + Oops.printable(t), t);
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new KernelException(Errno.EINTR, name + ": init was interrupted", t);
        }
        String trace = Oops.trace(t); // module code: Oops copes if it throws
        String what = Oops.printable(t);
        if (t instanceof RuntimeException || t instanceof Error) {
            m.taint(Taint.DIE, "oops in init");
            m.printk(Level.ALERT, "Oops: unhandled " + t.getClass().getName() + " in init of module " + name
                    + "\nTainted: D\nCall Trace:\n" + trace);
            return new KernelException(Errno.EFAULT, name + ": init crashed: " + what, t);
        }
        m.printk(Level.ERR, name + ": init failed: " + what + "\n" + trace);
        return new KernelException(Errno.EIO, name + ": init failed: " + what, t);
    }

    private static String apiMajorMinor() {
        String v = Module.class.getPackage().getImplementationVersion();
        if (v == null) {
            v = System.getProperty("kmod4j.api.version", "0.1.0");
        }
        String[] parts = v.split("[.-]");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : v;
    }

    /** The modules a module needs, for messages. */
    static List<String> dependsOf(ModInfo info) {
        return info.depends();
    }
}
