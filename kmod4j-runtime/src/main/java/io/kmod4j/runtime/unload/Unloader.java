package io.kmod4j.runtime.unload;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.Taint;
import io.kmod4j.internal.Oops;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Ownership;
import io.kmod4j.log.Level;
import io.kmod4j.runtime.ModuleState;
import io.kmod4j.runtime.RmmodOptions;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.UnloadReport.LoaderVerdict;
import io.kmod4j.runtime.UnloadReport.Outcome;
import io.kmod4j.runtime.UnloadReport.Pin;
import io.kmod4j.runtime.UnloadReport.Stopped;
import io.kmod4j.runtime.UnloadReport.ThreadLeak;
import io.kmod4j.runtime.module.LoadedModule;
import io.kmod4j.runtime.module.ModuleClassLoader;
import io.kmod4j.runtime.module.ModuleTable;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code rmmod}: the six steps of the unload protocol (architecture.md).
 *
 * <ol>
 *   <li>Refuse, with Linux's errno and kmod's words, a module in use, referenced, not live, or
 *       permanent ({@link #begin}, under the module mutex).
 *   <li>GOING: unbind its devices and drivers, call its {@code exit()} (on a thread of its own, so
 *       an {@code exit()} that never returns cannot take the caller with it; see {@link ExitWorkers}).
 *   <li>Stop everything it still owns the kernel way and wait, up to a deadline; a straggler gets a
 *       hung-task report and {@code ETIMEDOUT}, and a later {@code rmmod} resumes here.
 *   <li>Look for threads it started behind the runtime's back.
 *   <li>Forget it, close its class loader and prove the loader collected.
 *   <li>Report.
 * </ol>
 * Module code is never called with the module mutex held.
 */
public final class Unloader {

    /** What the rest of the kernel does at unload time. */
    public interface Hooks {
        /** Step 2, before exit(): unbind devices from the module's drivers and unregister them. */
        void detachDrivers(LoadedModule m);

        /** Step 5: the module is gone from the table; record a tainted one for lsmod. */
        void unloaded(LoadedModule m, UnloadReport report);

        /** Later verdict of an asynchronous verification. */
        void verified(String module, int loadNumber, boolean collected, List<Pin> pins);
    }

    private final ModuleTable table;
    private final LoaderVerifier verifier;
    private final Hooks hooks;
    private final Duration defaultWait;
    private final RmmodOptions.Verification defaultVerification;
    private final ExitWorkers exitWorkers = new ExitWorkers();
    // exit() calls of modules being removed; a call stays while its module is GOING, so that a
    // later rmmod after a timeout waits for the same call instead of calling exit() again
    private final Map<LoadedModule, ExitWorkers.Call> exits = new ConcurrentHashMap<>();

    public Unloader(ModuleTable table, LoaderVerifier verifier, Hooks hooks, Duration defaultWait,
                    RmmodOptions.Verification defaultVerification) {
        this.table = table;
        this.verifier = verifier;
        this.hooks = hooks;
        this.defaultWait = defaultWait;
        this.defaultVerification = defaultVerification;
    }

    /** The verification used when the caller does not choose. */
    public RmmodOptions.Verification defaultVerification() {
        return defaultVerification;
    }

    /**
     * Unloads a module.
     *
     * @throws KernelException ENOENT (not loaded), EWOULDBLOCK (in use or referenced), EBUSY (not
     *     live, permanent, or being removed already), ETIMEDOUT (something still ran at the
     *     deadline; the module stays Unloading and a later rmmod resumes)
     */
    public UnloadReport rmmod(String name, RmmodOptions options) throws KernelException {
        long start = System.nanoTime();
        LoadedModule m = table.lockedChecked(() -> begin(name, options));
        try {
            return finish(m, options, start);
        } finally {
            m.setUnloading(false);
        }
    }

    /** Step 1, under the mutex. */
    private LoadedModule begin(String name, RmmodOptions options) throws KernelException {
        LoadedModule m = table.get(name).orElseThrow(() ->
                new KernelException(Errno.ENOENT, "Module " + name + " is not currently loaded"));
        List<String> holders = m.holders();
        if (!holders.isEmpty()) {
            throw new KernelException(Errno.EWOULDBLOCK, "Module " + name + " is in use by: " + String.join(" ", holders));
        }
        switch (m.state()) {
            case UNFORMED, COMING -> throw new KernelException(Errno.EBUSY, "Module " + name + " is still loading");
            case GOING -> {
                if (m.unloading()) {
                    throw new KernelException(Errno.EBUSY, "Module " + name + " is already being removed");
                }
                // A previous rmmod timed out: resume where it stopped.
                if (options.force()) {
                    m.taint(Taint.FORCED_RMMOD, "rmmod --force");
                    m.printk(Level.WARNING, "Forced unload of module " + name);
                }
            }
            case LIVE -> {
                if (!m.info().hasExit() && !options.force()) {
                    throw new KernelException(Errno.EBUSY, "Module " + name
                            + " is permanent: it has init but no exit (use --force to remove it anyway)");
                }
                int refs = m.refcount();
                if (refs > 0 && !options.force()) {
                    throw new KernelException(Errno.EWOULDBLOCK, "Module " + name + " is in use (refcount " + refs + ")");
                }
                if (options.force()) {
                    m.taint(Taint.FORCED_RMMOD, "rmmod --force");
                    m.printk(Level.WARNING, "Disabling lock debugging due to kernel taint");
                    m.printk(Level.WARNING, "Forced unload of module " + name);
                }
                m.moveTo(ModuleState.GOING);
            }
        }
        m.setUnloading(true);
        return m;
    }

    private UnloadReport finish(LoadedModule m, RmmodOptions options, long start) throws KernelException {
        // Two frames on purpose: the locals of the first (the exit thread, the owned resources,
        // the loader) must be gone before the second asks the collector for the loader. An
        // interpreted frame keeps every local alive until it returns.
        Forgotten f = stopScanAndForget(m, options, start);
        return verifyAndReport(m, f, options, start);
    }

    /** What is left of a module once steps 2-4 are done and the runtime has let go of it. */
    private record Forgotten(String name, String version, int loadNumber, WeakReference<ModuleClassLoader> loader,
                             Outcome outcome, Duration exitTook, Duration stopTook, Duration scanTook,
                             List<Stopped> stopped, List<ThreadLeak> leaks, Set<Taint> taints) {}

    private Forgotten stopScanAndForget(LoadedModule m, RmmodOptions options, long start) throws KernelException {
        Duration wait = options.timeout() != null ? options.timeout() : defaultWait;
        long deadline = System.nanoTime() + saturated(wait);

        // Step 2: drivers, then exit() on its own thread.
        long t0 = System.nanoTime();
        if (!m.exitCalled()) {
            m.setExitCalled();
            hooks.detachDrivers(m);
            startExit(m);
        }
        ExitWorkers.Call exit = exits.get(m);
        boolean exitDone = exit == null || exit.await(deadline);
        Duration exitTook = since(t0);
        if (!exitDone && !options.force()) {
            hungTask(m, exit.thread(), "exit()", wait);
            throw timedOut(m, wait, List.of("exit() of module " + m.name()));
        }

        // Step 3: stop and join what it still owns.
        long t1 = System.nanoTime();
        m.stopAccepting();
        List<OwnedResource> owned = m.resources();
        for (OwnedResource r : owned) {
            r.requestStop();
        }
        List<Stopped> stopped = new ArrayList<>();
        List<String> stragglers = new ArrayList<>();
        for (OwnedResource r : owned) {
            long rs = System.nanoTime();
            boolean quiet;
            try {
                quiet = r.awaitQuiescent(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelException(Errno.EINTR, "rmmod " + m.name() + " was interrupted while waiting for "
                        + r.kind() + " '" + r.name() + "'; the module stays Unloading");
            }
            if (quiet) {
                stopped.add(new Stopped(r.kind(), r.name(), r.describe(), since(rs)));
            } else {
                stragglers.add(r.kind() + " '" + r.name() + "'");
                hungTask(m, r.thread().orElse(null), r.kind() + " '" + r.name() + "'", wait);
            }
        }
        if (!stragglers.isEmpty() && !options.force()) {
            throw timedOut(m, wait, stragglers);
        }
        Duration stopTook = since(t1);
        Outcome outcome = options.force() && (!stragglers.isEmpty() || !exitDone || m.taints().contains(Taint.FORCED_RMMOD))
                ? Outcome.FORCED : Outcome.UNLOADED;

        // Step 4: threads behind our back.
        long t2 = System.nanoTime();
        ModuleClassLoader loader = m.loader();
        // A worker back from exit() is idle and clean, and is scanned like any thread; one still in a
        // forced module's exit() is already reported as its straggler.
        Thread exitThread = exit == null || exit.isDone() ? null : exit.thread();
        Set<Thread> ignore = exitThread == null ? Set.of() : Set.of(exitThread);
        List<ThreadLeak> leaks = ThreadScanner.scan(loader, loader.getName(), ignore);
        for (ThreadLeak l : leaks) {
            m.printk(Level.WARNING, m.name() + ": thread '" + l.thread() + "' (" + (l.virtual() ? "virtual" : "platform")
                    + ", " + l.state() + ") was started behind the runtime's back: " + l.reason()
                    + (l.stack().isEmpty() ? "" : "\n  at " + String.join("\n  at ", l.stack().subList(0, Math.min(6, l.stack().size())))));
        }
        Duration scanTook = since(t2);

        // Step 5, first half: forget it and drop every reference the runtime holds.
        String name = m.name();
        table.locked(() -> {
            table.remove(m);
            for (LoadedModule dep : m.dependencies()) {
                dep.removeHolder(name);
                dep.put();
            }
            return null;
        });
        m.dependencies().clear();
        exits.remove(m);
        WeakReference<ModuleClassLoader> ref = new WeakReference<>(loader);
        m.dropCode();
        owned.forEach(m::release); // forced stragglers: the report names them, we keep nothing
        return new Forgotten(name, m.info().version(), m.loadNumber(), ref, outcome, exitTook, stopTook, scanTook,
                stopped, leaks, m.taints());
    }

    /** Step 5, second half, and step 6. Holds no strong reference to anything of the module. */
    private UnloadReport verifyAndReport(LoadedModule m, Forgotten f, RmmodOptions options, long start) {
        long t3 = System.nanoTime();
        Set<Taint> taints = f.taints();
        LoaderVerdict verdict;
        List<Pin> pins = List.of();
        WeakReference<ModuleClassLoader> ref = f.loader();
        if (options.verification() == RmmodOptions.Verification.SYNC) {
            // Threads still running module code (forced stragglers, threads behind our back) keep
            // the loader alive for as long as they run: two collections confirm it, eight would
            // only make a forced rmmod wait seconds for a verdict it already knows.
            boolean hopeless = !f.leaks().isEmpty() || f.outcome() == Outcome.FORCED;
            if (hopeless ? verifier.verifyNow(ref, 2) : verifier.verifyNow(ref)) {
                verdict = LoaderVerdict.COLLECTED;
            } else {
                verdict = LoaderVerdict.NOT_COLLECTED;
                pins = pinsOf(ref);
                taints = plus(taints, Taint.LEAKED);
                m.taint(Taint.LEAKED, "class loader not collected");
                m.printk(Level.WARNING, f.name() + ": class loader not collected after unload; module code is still reachable"
                        + (pins.isEmpty() ? "" : ":\n  " + String.join("\n  ", pins.stream().map(p -> p.kind() + ": " + p.description()).toList())));
            }
        } else {
            verdict = watch(f);
        }
        Duration verifyTook = since(t3);
        UnloadReport report = new UnloadReport(f.name(), f.version(), f.outcome(), f.exitTook(), f.stopTook(), f.scanTook(),
                verifyTook, Duration.ofNanos(System.nanoTime() - start), f.stopped(), f.leaks(), pins, verdict, true, taints);
        hooks.unloaded(m, report);
        return report;
    }

    private LoaderVerdict watch(Forgotten f) {
        ModuleClassLoader watched = f.loader().get();
        if (watched == null) {
            return LoaderVerdict.COLLECTED;
        }
        WeakReference<ModuleClassLoader> ref = f.loader();
        String name = f.name();
        int loadNumber = f.loadNumber();
        verifier.watch(watched).thenAccept(collected -> hooks.verified(name, loadNumber, collected,
                collected ? List.of() : pinsOf(ref)));
        return LoaderVerdict.PENDING;
    }

    private static List<Pin> pinsOf(WeakReference<ModuleClassLoader> ref) {
        ModuleClassLoader still = ref.get();
        return still == null ? List.of() : PinScanner.scan(still);
    }

    private static Set<Taint> plus(Set<Taint> s, Taint t) {
        Set<Taint> out = s.isEmpty() ? EnumSet.noneOf(Taint.class) : EnumSet.copyOf(s);
        out.add(t);
        return out;
    }

    /** Runs the module's exit() on an exit worker named {@code rmmod <module>}, as the module. */
    private void startExit(LoadedModule m) {
        if (m.instance() == null) {
            return;
        }
        exits.put(m, exitWorkers.run("rmmod " + m.name(), new ExitTask(m)));
    }

    /**
     * The exit worker's task. It forgets the module as soon as exit() returns: the worker (or a
     * terminated thread's object) outlives the call, and must not keep the module's classes
     * reachable while the collector is asked for them.
     */
    private static final class ExitTask implements Runnable {
        private LoadedModule module;

        ExitTask(LoadedModule module) {
            this.module = module;
        }

        @Override
        public void run() {
            LoadedModule m = module;
            module = null;
            Thread self = Thread.currentThread();
            self.setContextClassLoader(m.loader());
            try {
                Module instance = m.instance();
                ScopedValue.where(Ownership.CURRENT, m).run(instance::exit);
            } catch (Throwable e) {
                String trace = Oops.trace(e); // module code: Oops copes if it throws, and rmmod goes on
                m.taint(Taint.DIE, "oops in exit");
                m.printk(Level.ALERT, "Oops: unhandled " + e.getClass().getName() + " in exit of module " + m.name()
                        + "\nTainted: D\nCall Trace:\n" + trace);
            } finally {
                self.setContextClassLoader(null);
            }
        }
    }

    /** Linux's hung-task warning, for a thread that kept rmmod waiting past its deadline. */
    private static void hungTask(LoadedModule m, Thread t, String what, Duration wait) {
        StringBuilder sb = new StringBuilder();
        sb.append("INFO: task ").append(t == null ? what : t.getName()).append(" (").append(what).append(" of module ")
                .append(m.name()).append(") blocked rmmod for more than ").append(wait.toSeconds() > 0 ? wait.toSeconds() + " seconds" : wait.toMillis() + " ms").append('.');
        if (t != null) {
            sb.append("\ntask:").append(t.getName()).append(" state:").append(t.getState())
                    .append(t.isVirtual() ? " virtual" : "").append("\nCall Trace:");
            for (StackTraceElement f : t.getStackTrace()) {
                sb.append("\n ").append(f);
            }
        }
        m.printk(Level.ERR, sb.toString());
    }

    private static KernelException timedOut(LoadedModule m, Duration wait, List<String> stragglers) {
        return new KernelException(Errno.ETIMEDOUT, "could not remove module " + m.name() + ": "
                + String.join(", ", stragglers) + " still running after " + wait.toMillis()
                + " ms (hung-task report in dmesg); the module stays Unloading: rmmod again to keep waiting,"
                + " or rmmod --force to drop it");
    }

    private static Duration since(long t) {
        return Duration.ofNanos(System.nanoTime() - t);
    }

    private static long saturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** At kernel close, after the last rmmod: the idle exit workers end now. */
    public void close() {
        exitWorkers.close();
    }

    /** For a failed init: stop, join, forget, verify; never throws. */
    public void cleanUpFailedInit(LoadedModule m) {
        m.setExitCalled(); // exit() is never called after a failed init
        m.setUnloading(true);
        try {
            UnloadReport r = finish(m, new RmmodOptions(true, null, RmmodOptions.Verification.SYNC), System.nanoTime());
            if (!r.clean()) {
                m.printk(Level.WARNING, m.name() + ": failed init left traces:\n" + r.format().stripTrailing());
            }
        } catch (KernelException e) {
            m.printk(Level.ERR, m.name() + ": cleaning up after a failed init: " + e.getMessage());
        } finally {
            m.setUnloading(false);
        }
    }

}
