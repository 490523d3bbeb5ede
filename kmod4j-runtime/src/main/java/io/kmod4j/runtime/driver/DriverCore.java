package io.kmod4j.runtime.driver;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.driver.DriverRegistration;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.internal.KernelOwner;
import io.kmod4j.internal.Oops;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.module.InModule;
import io.kmod4j.runtime.module.LoadedModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The driver core of one kernel: the platform bus with its devices and drivers, matching, probe
 * and remove ({@code drivers/base/dd.c}), deferred probing, asynchronous probing, devres and
 * autoload.
 *
 * <h2>Concurrency</h2>
 * One lock guards the device and driver lists and every device's binding state. Driver code
 * (probe, remove, devres release) never runs under it: a device is claimed by moving it to
 * PROBING or REMOVING under the lock, the driver is called without it, and the result is
 * recorded under it again; whoever else wants the device waits on {@link #changed} until the
 * claim ends. Asynchronous probes run on a bounded pool of workers.
 */
public final class DriverCore {

    /** Default time a device may stay deferred before it is reported. */
    public static final Duration DEFAULT_DEFERRED_PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, DeviceImpl> devices = new LinkedHashMap<>();   // guarded by lock
    private final List<DriverEntry> drivers = new ArrayList<>();            // guarded by lock
    private final Set<DeviceImpl> deferred = new LinkedHashSet<>();          // guarded by lock
    private int inFlight;                                                     // guarded by lock: async probes queued or running
    private long triggerCount;                                                // guarded by lock

    private final LogRing log;
    private final Scheduler scheduler;
    private final Executor workers;
    private final Semaphore asyncSlots;
    private final ExecutorService platformProbers;
    private final Duration deferredProbeTimeout;
    private final Consumer<String> autoload;
    private final Supplier<FirmwareProvider> firmware;
    private final Consumer<Taint> taint;

    /**
     * @param log the kernel's log ring
     * @param scheduler the kernel's clock, for the deferred-probe timeout
     * @param workers where deferred re-probes and asynchronous probes run
     * @param asyncParallelism how many asynchronous probes may run at once
     * @param deferredProbeTimeout how long a device may stay deferred before it is reported
     * @param autoload called with an alias ({@code of:<compatible>}) for a device no driver takes
     * @param firmware the kernel's firmware provider, for devices
     * @param taint taints the kernel
     */
    public DriverCore(LogRing log, Scheduler scheduler, Executor workers, int asyncParallelism,
                      Duration deferredProbeTimeout, Consumer<String> autoload, Supplier<FirmwareProvider> firmware,
                      Consumer<Taint> taint) {
        this.log = log;
        this.scheduler = scheduler;
        this.workers = workers;
        this.asyncSlots = new Semaphore(Math.max(1, asyncParallelism));
        this.platformProbers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kmod4j-async-probe");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
        this.deferredProbeTimeout = deferredProbeTimeout;
        this.autoload = autoload;
        this.firmware = firmware;
        this.taint = taint;
    }

    // ------------------------------------------------------------------ locking helpers

    <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    FirmwareProvider firmwareProvider() {
        return firmware.get();
    }

    /** Logs as the owner: a module's lines carry its name; the kernel's go to this kernel's ring. */
    void printk(Owner owner, Level level, String message) {
        if (owner instanceof LoadedModule) {
            owner.printk(level, message);
        } else {
            log.log(level, "kernel", message);
        }
    }

    private void kernelLog(Level level, String message) {
        log.log(level, "kernel", message);
    }

    // ------------------------------------------------------------------ drivers

    /**
     * {@code driver_register}: registers a driver and attaches it to every matching unbound
     * device (synchronously unless the driver probes asynchronously).
     *
     * @throws KernelException {@code EBUSY} if the name is taken, {@code EINVAL} for a driver
     *     without a name or ids
     */
    public DriverRegistration register(Owner owner, Driver driver, boolean moduleAsync) throws KernelException {
        String name;
        List<DeviceId> ids;
        try {
            name = driver.name();
            ids = driver.idTable();
        } catch (RuntimeException e) {
            throw new KernelException(Errno.EINVAL, "driver " + driver.getClass().getName() + " cannot describe itself: " + e, e);
        }
        if (name == null || name.isBlank()) {
            throw new KernelException(Errno.EINVAL, "a driver needs a name (" + driver.getClass().getName() + ")");
        }
        if (ids == null || ids.isEmpty()) {
            throw new KernelException(Errno.EINVAL, "driver " + name + " has an empty id table: it could never match");
        }
        DriverEntry entry = new DriverEntry(driver, owner, moduleAsync);
        List<DeviceImpl> candidates;
        lock.lock();
        try {
            for (DriverEntry d : drivers) {
                if (d.name.equals(name)) {
                    throw new KernelException(Errno.EBUSY, "Driver '" + name + "' is already registered"
                            + (d.owner == owner ? "" : " by " + d.owner.name()));
                }
            }
            drivers.add(entry);
            candidates = new ArrayList<>();
            for (DeviceImpl dev : devices.values()) {
                if ((dev.state == BindingState.UNBOUND || dev.state == BindingState.DEFERRED)
                        && entry.match(dev.compatible()).isPresent()) {
                    candidates.add(dev);
                }
            }
        } finally {
            lock.unlock();
        }
        printk(owner, Level.DEBUG, "bus: 'platform': add driver " + name);
        for (DeviceImpl dev : candidates) {
            if (entry.async) {
                scheduleProbe(dev, entry);
            } else {
                probeIfFree(dev, entry);
            }
        }
        return new Registration(entry);
    }

    /** The registration handle; closing it unregisters the driver. */
    private final class Registration implements DriverRegistration {
        private final DriverEntry entry;

        Registration(DriverEntry entry) {
            this.entry = entry;
        }

        @Override
        public String name() {
            return entry.name;
        }

        @Override
        public void close() {
            unregister(entry);
        }
    }

    /**
     * {@code driver_unregister}: stops new probes with the driver, waits for its probes in
     * flight, unbinds it from every device it drives (remove, then devres), and forgets it.
     * Idempotent.
     */
    void unregister(DriverEntry entry) {
        List<DeviceImpl> bound = new ArrayList<>();
        lock.lock();
        try {
            if (!drivers.contains(entry)) {
                return;
            }
            entry.unregistering = true;
            while (devices.values().stream().anyMatch(d -> d.driver == entry && d.state == BindingState.PROBING)) {
                changed.awaitUninterruptibly();
            }
            for (DeviceImpl d : devices.values()) {
                if (d.driver == entry && d.state == BindingState.BOUND) {
                    bound.add(d);
                }
            }
        } finally {
            lock.unlock();
        }
        for (DeviceImpl d : bound) {
            unbind(d, entry);
        }
        lock.lock();
        try {
            drivers.remove(entry);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        printk(entry.owner, Level.DEBUG, "bus: 'platform': remove driver " + entry.name);
    }

    /**
     * Unregisters every driver {@code owner} registered: step 2 of rmmod, before the module's
     * exit() runs, so exit() finds its devices unbound (its own close of the registration is then
     * a no-op).
     */
    public void unregisterAll(Owner owner) {
        List<DriverEntry> mine = locked(() -> drivers.stream().filter(d -> d.owner == owner).toList());
        for (DriverEntry d : mine) {
            long bound = locked(() -> devices.values().stream().filter(dev -> dev.driver == d).count());
            printk(owner, Level.INFO, owner.name() + ": unregistering driver '" + d.name + "' (" + bound
                    + " device" + (bound == 1 ? "" : "s") + " bound) before exit()");
            unregister(d);
        }
    }

    /** Names of the drivers a module has registered. */
    public List<String> driversOf(Owner owner) {
        return locked(() -> drivers.stream().filter(d -> d.owner == owner).map(d -> d.name).toList());
    }

    // ------------------------------------------------------------------ devices

    /**
     * {@code device_add}: adds a device and attaches a driver. If no driver matches, asks the
     * autoloader for the device's aliases (as udev runs modprobe).
     *
     * @throws KernelException {@code EEXIST} if the name is taken
     */
    public void addDevice(DeviceSpec spec) throws KernelException {
        DeviceImpl dev = new DeviceImpl(spec, this);
        boolean anyMatch;
        lock.lock();
        try {
            if (devices.containsKey(spec.name())) {
                throw new KernelException(Errno.EEXIST, "device " + spec.name() + " already exists");
            }
            devices.put(spec.name(), dev);
            anyMatch = drivers.stream().anyMatch(d -> !d.unregistering && d.match(spec.compatible()).isPresent());
        } finally {
            lock.unlock();
        }
        kernelLog(Level.INFO, "platform " + spec.name() + ": added (compatible " + String.join(", ", spec.compatible()) + ")");
        if (anyMatch) {
            attach(dev);
        } else {
            for (String c : spec.compatible()) {
                autoload.accept("of:" + c);
            }
        }
    }

    /**
     * {@code device_del}: unbinds the device (waiting for a probe in flight) and removes it.
     *
     * @throws KernelException {@code ENODEV} if there is no such device
     */
    public void removeDevice(String name) throws KernelException {
        DeviceImpl dev;
        DriverEntry drv;
        lock.lock();
        try {
            dev = settledDevice(name);
            deferred.remove(dev);
            dev.goingAway = true;
            drv = dev.state == BindingState.BOUND ? dev.driver : null;
            if (drv == null) {
                dev.state = BindingState.GONE;
                devices.remove(name, dev);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (drv != null) {
            unbind(dev, drv);
            lock.lock();
            try {
                dev.state = BindingState.GONE;
                devices.remove(name, dev);
                deferred.remove(dev);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        kernelLog(Level.INFO, "platform " + name + ": removed");
    }

    /**
     * Binds a device to a named driver by hand ({@code echo DEV > .../bind}).
     *
     * @throws KernelException {@code ENODEV} no such device or driver, or they do not match;
     *     {@code EBUSY} if the device is bound; the probe's errno if it fails
     */
    public void bind(String deviceName, String driverName) throws KernelException {
        DeviceImpl dev;
        DriverEntry drv;
        lock.lock();
        try {
            drv = drivers.stream().filter(d -> d.name.equals(driverName) && !d.unregistering).findFirst()
                    .orElseThrow(() -> new KernelException(Errno.ENODEV, "no driver " + driverName));
            dev = settledDevice(deviceName);
            if (drv.match(dev.compatible()).isEmpty()) {
                throw new KernelException(Errno.ENODEV, "driver " + driverName + " does not match device " + deviceName);
            }
            if (dev.state == BindingState.BOUND) {
                throw new KernelException(Errno.EBUSY, "device " + deviceName + " is bound to " + dev.driver.name);
            }
            if (dev.goingAway) {
                throw new KernelException(Errno.ENODEV, "device " + deviceName + " is being removed");
            }
            claimForProbe(dev, drv);
        } finally {
            lock.unlock();
        }
        Outcome o = reallyProbe(dev, drv);
        if (o.error != null) {
            throw o.error;
        }
    }

    /**
     * Unbinds a device from its driver by hand ({@code echo DEV > .../unbind}).
     *
     * @throws KernelException {@code ENODEV} if there is no such device or it is not bound
     */
    public void unbind(String deviceName) throws KernelException {
        DeviceImpl dev;
        DriverEntry drv;
        lock.lock();
        try {
            dev = settledDevice(deviceName);
            if (dev.state != BindingState.BOUND) {
                throw new KernelException(Errno.ENODEV, "device " + deviceName + " is not bound to a driver");
            }
            drv = dev.driver;
        } finally {
            lock.unlock();
        }
        unbind(dev, drv);
    }

    /**
     * The device of that name once no probe or remove of it is in flight. Requires the lock;
     * waits on {@link #changed}, which releases it meanwhile.
     *
     * @throws KernelException {@code ENODEV} if there is no such device
     */
    private DeviceImpl settledDevice(String name) throws KernelException {
        DeviceImpl dev = devices.get(name);
        if (dev == null) {
            throw new KernelException(Errno.ENODEV, "no device " + name);
        }
        while (dev.state == BindingState.PROBING || dev.state == BindingState.REMOVING) {
            changed.awaitUninterruptibly();
        }
        if (dev.state == BindingState.GONE) {
            throw new KernelException(Errno.ENODEV, "device " + name + " was removed meanwhile");
        }
        return dev;
    }

    /** Every device, in the order added. */
    public List<DeviceStatus> devices() {
        return locked(() -> devices.values().stream().map(this::status).toList());
    }

    /** One device, if present. */
    public Optional<DeviceStatus> device(String name) {
        return locked(() -> Optional.ofNullable(devices.get(name)).map(this::status));
    }

    /** The device handle drivers see, if present (for the firmware-upload and test APIs). */
    public Optional<io.kmod4j.driver.Device> deviceHandle(String name) {
        return locked(() -> Optional.ofNullable(devices.get(name)));
    }

    private DeviceStatus status(DeviceImpl d) {
        String detail = d.detail;
        if (d.state == BindingState.DEFERRED) {
            detail = (d.deferTimedOut ? "deferred probe timed out: " : "deferred: ") + d.deferReason();
        }
        return new DeviceStatus(d.name(), d.bus(), d.compatible(), d.properties(), d.state.text(),
                d.driver == null ? "" : d.driver.name, d.driver == null ? "" : d.driver.owner.name(), detail);
    }

    /**
     * {@code wait_for_device_probe}: waits until no asynchronous or deferred probe is queued or
     * running.
     *
     * @return {@code false} if the timeout passed first
     */
    public boolean waitForDeviceProbe(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (inFlight > 0 || devices.values().stream().anyMatch(d -> d.state == BindingState.PROBING)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the async-probe pool; devices and drivers stay as they are. */
    public void shutdown() {
        platformProbers.shutdownNow();
    }

    // ------------------------------------------------------------------ matching and probing

    /** {@code device_attach}: tries every matching driver in registration order. */
    private void attach(DeviceImpl dev) {
        List<DriverEntry> candidates = locked(() -> drivers.stream()
                .filter(d -> !d.unregistering && d.match(dev.compatible()).isPresent()).toList());
        for (DriverEntry drv : candidates) {
            if (drv.async) {
                scheduleProbe(dev, drv);
                return; // the async probe continues with the next drivers if this one rejects
            }
            Outcome o = probeIfFree(dev, drv);
            if (o == null || o.kind != Kind.REJECTED) {
                return; // bound, deferred, failed, or someone else has the device
            }
        }
    }

    /** Probes unless the device is taken; null if it was. */
    private Outcome probeIfFree(DeviceImpl dev, DriverEntry drv) {
        lock.lock();
        try {
            if (drv.unregistering || dev.goingAway
                    || (dev.state != BindingState.UNBOUND && dev.state != BindingState.DEFERRED)) {
                return null;
            }
            claimForProbe(dev, drv);
        } finally {
            lock.unlock();
        }
        return reallyProbe(dev, drv);
    }

    /** Requires the lock. */
    private void claimForProbe(DeviceImpl dev, DriverEntry drv) {
        deferred.remove(dev);
        dev.state = BindingState.PROBING;
        dev.driver = drv;
    }

    private void scheduleProbe(DeviceImpl dev, DriverEntry drv) {
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
        Runnable task = () -> {
            try {
                asyncSlots.acquireUninterruptibly();
                try {
                    Outcome o = probeIfFree(dev, drv);
                    if (o != null && o.kind == Kind.REJECTED) {
                        attachAfter(dev, drv);
                    }
                } finally {
                    asyncSlots.release();
                }
            } finally {
                lock.lock();
                try {
                    inFlight--;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        };
        if (drv.virtualThreads) {
            workers.execute(task);
        } else {
            platformProbers.execute(task);
        }
    }

    /** After an async rejection: the drivers registered after {@code drv} get their turn. */
    private void attachAfter(DeviceImpl dev, DriverEntry drv) {
        List<DriverEntry> rest = locked(() -> {
            int i = drivers.indexOf(drv);
            return drivers.subList(i + 1, drivers.size()).stream()
                    .filter(d -> !d.unregistering && d.match(dev.compatible()).isPresent()).toList();
        });
        for (DriverEntry d : rest) {
            Outcome o = probeIfFree(dev, d);
            if (o == null || o.kind != Kind.REJECTED) {
                return;
            }
        }
    }

    private enum Kind { BOUND, DEFERRED, REJECTED, FAILED }

    private record Outcome(Kind kind, KernelException error) {}

    /** {@code really_probe}: the device is claimed (PROBING with {@code drv}). */
    private Outcome reallyProbe(DeviceImpl dev, DriverEntry drv) {
        long trigger = locked(() -> triggerCount);
        dev.setMatchData(drv.match(dev.compatible()).map(DeviceId::data).orElse(null));
        Throwable thrown = null;
        try {
            InModule.run(drv.owner, () -> drv.driver.probe(dev));
        } catch (Exception | Error e) {
            thrown = e;
        }
        if (thrown == null) {
            bound(dev, drv);
            return new Outcome(Kind.BOUND, null);
        }
        KernelException ke = thrown instanceof KernelException k ? k : null;
        Errno errno = ke != null ? ke.errno() : Errno.EFAULT;
        List<AutoCloseable> devres = locked(dev::takeDevres);
        dev.release(devres, drv.owner);
        dev.clearBindingData();
        if (errno == Errno.EPROBE_DEFER) {
            String reason = dev.deferReason().isEmpty() ? ke.getMessage() : dev.deferReason();
            printk(drv.owner, Level.DEBUG, drv.name + " " + dev.name() + ": Driver " + drv.name
                    + " requests probe deferral");
            deferDevice(dev, reason, trigger);
            return new Outcome(Kind.DEFERRED, ke);
        }
        String detail;
        Kind kind;
        if (errno == Errno.ENODEV || errno == Errno.ENXIO) {
            detail = "probe with driver " + drv.name + " rejects match " + errno.code();
            printk(drv.owner, Level.DEBUG, drv.name + " " + dev.name() + ": " + detail);
            kind = Kind.REJECTED;
        } else {
            detail = "probe with driver " + drv.name + " failed with error " + errno.code();
            if (ke == null) {
                String trace = Oops.trace(thrown); // module code: Oops copes if it throws
                drv.owner.taint(Taint.DIE, "oops in probe");
                taint.accept(Taint.DIE);
                printk(drv.owner, Level.ALERT, "Oops: unhandled " + thrown.getClass().getName() + " in probe of "
                        + dev.name() + " by driver " + drv.name + "\nTainted: D\nCall Trace:\n" + trace);
            }
            printk(drv.owner, Level.ERR, drv.name + " " + dev.name() + ": " + detail
                    + (ke != null ? " (" + ke.getMessage() + ")" : ""));
            kind = Kind.FAILED;
        }
        lock.lock();
        try {
            dev.state = BindingState.UNBOUND;
            dev.driver = null;
            dev.detail = detail;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        KernelException err = ke != null ? ke : new KernelException(Errno.EFAULT, detail + ": " + thrown, thrown);
        return new Outcome(kind, err);
    }

    private void bound(DeviceImpl dev, DriverEntry drv) {
        boolean trigger;
        lock.lock();
        try {
            dev.state = BindingState.BOUND;
            dev.detail = "";
            dev.deferredSince = -1;
            dev.deferTimedOut = false;
            triggerCount++;
            trigger = !deferred.isEmpty();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        printk(drv.owner, Level.DEBUG, "driver: '" + drv.name + "': driver_bound: bound to device '" + dev.name() + "'");
        if (trigger) {
            triggerDeferredProbe();
        }
    }

    /** Puts a device on the deferred list; re-triggers at once if a bind happened meanwhile. */
    private void deferDevice(DeviceImpl dev, String reason, long triggerAtStart) {
        boolean retrigger;
        boolean firstDeferral;
        lock.lock();
        try {
            dev.state = BindingState.DEFERRED;
            dev.driver = null;
            dev.detail = reason;
            firstDeferral = dev.deferredSince < 0;
            if (firstDeferral) {
                dev.deferredSince = scheduler.nanoTime();
            }
            deferred.add(dev);
            retrigger = triggerCount != triggerAtStart; // a bind happened while we were probing
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (firstDeferral) {
            scheduler.schedule(() -> deferredTimeout(dev), deferredProbeTimeout);
        }
        if (retrigger) {
            triggerDeferredProbe();
        }
    }

    private void deferredTimeout(DeviceImpl dev) {
        String reason;
        lock.lock();
        try {
            if (dev.state != BindingState.DEFERRED || dev.deferTimedOut) {
                return;
            }
            dev.deferTimedOut = true;
            reason = dev.detail;
        } finally {
            lock.unlock();
        }
        kernelLog(Level.WARNING, "platform " + dev.name() + ": deferred probe pending: " + reason);
    }

    /** {@code driver_deferred_probe_trigger}: re-probes every deferred device on a worker. */
    private void triggerDeferredProbe() {
        List<DeviceImpl> active = locked(() -> {
            inFlight++;
            return new ArrayList<>(deferred);
        });
        workers.execute(() -> {
            try {
                for (DeviceImpl dev : active) {
                    boolean still = locked(() -> dev.state == BindingState.DEFERRED);
                    if (still) {
                        attach(dev);
                    }
                }
            } finally {
                lock.lock();
                try {
                    inFlight--;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
    }

    /** Calls remove then releases devres; the device is BOUND to {@code drv} on entry. */
    private void unbind(DeviceImpl dev, DriverEntry drv) {
        lock.lock();
        try {
            while (dev.state == BindingState.PROBING || dev.state == BindingState.REMOVING) {
                changed.awaitUninterruptibly();
            }
            if (dev.state != BindingState.BOUND || dev.driver != drv) {
                return;
            }
            dev.state = BindingState.REMOVING;
        } finally {
            lock.unlock();
        }
        try {
            InModule.run(drv.owner, () -> drv.driver.remove(dev));
        } catch (Exception | Error e) {
            printk(drv.owner, Level.WARNING, drv.name + " " + dev.name() + ": remove failed (ignored): " + e);
        }
        List<AutoCloseable> devres = locked(dev::takeDevres);
        dev.release(devres, drv.owner);
        dev.clearBindingData();
        lock.lock();
        try {
            dev.state = BindingState.UNBOUND;
            dev.driver = null;
            dev.detail = "";
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        printk(drv.owner, Level.DEBUG, drv.name + " " + dev.name() + ": unbound");
    }

    /** Whether a device has devres entries now; for tests and listings. */
    public int devresCount(String device) {
        return locked(() -> Optional.ofNullable(devices.get(device)).map(DeviceImpl::devresCount).orElse(0));
    }

    /** The kernel owner, for drivers registered by host code. */
    public static Owner kernelOwner() {
        return KernelOwner.INSTANCE;
    }
}
