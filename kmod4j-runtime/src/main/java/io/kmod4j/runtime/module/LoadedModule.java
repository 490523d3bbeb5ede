package io.kmod4j.runtime.module;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.Taint;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.Level;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.ModuleState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load of one module ({@code struct module}): its JAR, class loader, instance, parameters,
 * state, references and everything it owns. It is the {@link Owner} of the kthreads, work items,
 * timers and firmware requests its code creates.
 *
 * <p>State changes go through {@link #moveTo} (forward only); the registry lock of the kernel
 * serialises them. Owned resources, refcount and taints are thread-safe on their own.
 */
public final class LoadedModule implements Owner, io.kmod4j.internal.FirmwareProvider.Host {

    private final KernelServices kernel;
    private final ModuleJar jar;
    private final int loadNumber;
    private final long loadedAtNanos;
    private static final String KTHREAD = "kthread"; // OwnedResource.kind() of a KThread
    private final Set<OwnedResource> resources = new LinkedHashSet<>(); // guarded by itself
    private int kthreads;                                                // guarded by resources
    private final AtomicInteger refcount = new AtomicInteger();
    private final Set<String> holders = new LinkedHashSet<>();           // guarded by this
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);       // guarded by itself
    private final List<LoadedModule> dependencies = new ArrayList<>();

    private volatile ModuleState state = ModuleState.UNFORMED;
    private volatile boolean accepting = true;
    private volatile ModuleClassLoader loader;
    private volatile Module instance;
    private volatile ParamValues params;
    private volatile ModuleContextImpl context;
    private volatile boolean unloading;   // an rmmod is working on it now
    private volatile boolean exitCalled;
    private volatile boolean asyncProbe;

    public LoadedModule(KernelServices kernel, ModuleJar jar, int loadNumber) {
        this.kernel = kernel;
        this.jar = jar;
        this.loadNumber = loadNumber;
        this.loadedAtNanos = kernel.scheduler().nanoTime();
    }

    // ------------------------------------------------------------------ identity and state

    @Override
    public String name() {
        return jar.info().name();
    }

    public ModInfo info() {
        return jar.info();
    }

    public ModuleJar jar() {
        return jar;
    }

    public int loadNumber() {
        return loadNumber;
    }

    public long loadedAtNanos() {
        return loadedAtNanos;
    }

    public ModuleState state() {
        return state;
    }

    /**
     * Moves to the next state.
     *
     * @throws IllegalStateException naming the module and both states if the move goes backwards
     */
    public synchronized void moveTo(ModuleState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("module " + name() + " cannot move from " + state + " to " + next);
        }
        state = next;
    }

    public ModuleClassLoader loader() {
        return loader;
    }

    public void setLoader(ModuleClassLoader loader) {
        this.loader = loader;
    }

    public Module instance() {
        return instance;
    }

    public void setInstance(Module instance) {
        this.instance = instance;
    }

    public ParamValues params() {
        return params;
    }

    public void setParams(ParamValues params) {
        this.params = params;
    }

    public ModuleContextImpl context() {
        return context;
    }

    public void setContext(ModuleContextImpl ctx) {
        this.context = ctx;
    }

    /** The built-in {@code async_probe} parameter: probe this module's drivers asynchronously. */
    public boolean asyncProbe() {
        return asyncProbe;
    }

    public void setAsyncProbe(boolean on) {
        this.asyncProbe = on;
    }

    /** Whether an rmmod is working on the module right now (a second one gets EBUSY). */
    public boolean unloading() {
        return unloading;
    }

    public void setUnloading(boolean u) {
        this.unloading = u;
    }

    /** Whether exit() has been started; a resumed rmmod does not call it again. */
    public boolean exitCalled() {
        return exitCalled;
    }

    public void setExitCalled() {
        this.exitCalled = true;
    }

    /** Forgets the loader and instance: the runtime's last references to module code. */
    public void dropCode() {
        ModuleClassLoader l = loader;
        if (l != null) {
            l.close();
        }
        loader = null;
        instance = null;
        ModuleContextImpl ctx = context;
        if (ctx != null) {
            ctx.invalidate();
        }
        context = null;
    }

    // ------------------------------------------------------------------ references

    public List<LoadedModule> dependencies() {
        return dependencies;
    }

    public int refcount() {
        return refcount.get();
    }

    /** {@code try_module_get}: fails once the module is going. */
    public boolean tryGet() {
        if (state == ModuleState.GOING) {
            return false;
        }
        refcount.incrementAndGet();
        if (state == ModuleState.GOING) { // raced with rmmod's check: back out
            refcount.decrementAndGet();
            return false;
        }
        return true;
    }

    /** {@code module_put}. */
    public void put() {
        int now = refcount.decrementAndGet();
        if (now < 0) {
            refcount.incrementAndGet();
            throw new IllegalStateException("module " + name() + ": refcount underflow");
        }
    }

    public synchronized void addHolder(String module) {
        holders.add(module);
    }

    public synchronized void removeHolder(String module) {
        holders.remove(module);
    }

    public synchronized List<String> holders() {
        return List.copyOf(holders);
    }

    // ------------------------------------------------------------------ Owner

    @Override
    public void adopt(OwnedResource resource) throws KernelException {
        synchronized (resources) {
            if (!accepting) {
                throw new KernelException(Errno.ENODEV, "module " + name() + " is being unloaded and takes nothing new ("
                        + resource.kind() + " '" + resource.name() + "')");
            }
            boolean kthread = KTHREAD.equals(resource.kind());
            if (kthread && kthreads >= kernel.threadLimitPerModule()) {
                throw new KernelException(Errno.EAGAIN, "module " + name() + " already owns " + kthreads
                        + " kthreads (the limit); cannot create '" + resource.name() + "'");
            }
            if (resources.add(resource) && kthread) {
                kthreads++;
            }
        }
    }

    @Override
    public void release(OwnedResource resource) {
        synchronized (resources) {
            if (resources.remove(resource) && KTHREAD.equals(resource.kind())) {
                kthreads--;
            }
        }
    }

    /** Everything the module still owns, oldest first. */
    public List<OwnedResource> resources() {
        synchronized (resources) {
            return List.copyOf(resources);
        }
    }

    /** From now on {@link #adopt} refuses with ENODEV: step 3 of unload has begun. */
    public void stopAccepting() {
        synchronized (resources) {
            accepting = false;
        }
    }

    @Override
    public ClassLoader contextClassLoader() {
        return loader;
    }

    @Override
    public void printk(Level level, String message) {
        kernel.log().log(level, name(), message);
    }

    @Override
    public void taint(Taint taint, String reason) {
        synchronized (taints) {
            taints.add(taint);
        }
        kernel.taint(taint);
    }

    public Set<Taint> taints() {
        synchronized (taints) {
            return taints.isEmpty() ? EnumSet.noneOf(Taint.class) : EnumSet.copyOf(taints);
        }
    }

    @Override
    public Executor workExecutor() {
        return kernel.workers();
    }

    @Override
    public Scheduler scheduler() {
        return kernel.scheduler();
    }

    @Override
    public io.kmod4j.internal.FirmwareProvider firmwareProvider() {
        return kernel.firmware();
    }

    @Override
    public String toString() {
        return "module " + name() + " (" + state.procName() + ")";
    }
}
