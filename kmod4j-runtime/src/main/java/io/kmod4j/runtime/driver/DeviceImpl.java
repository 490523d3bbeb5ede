package io.kmod4j.runtime.driver;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Printk;
import io.kmod4j.driver.Device;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.internal.Owner;
import io.kmod4j.log.Level;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.module.InModule;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device on the platform bus. Binding state and devres are guarded by the driver core's lock;
 * the fields drivers read (driver data, match data) are volatile.
 */
public final class DeviceImpl implements Device, FirmwareProvider.Host {

    private final DeviceSpec spec;
    private final DriverCore core;

    // Guarded by core.lock:
    BindingState state = BindingState.UNBOUND;
    DriverEntry driver;           // bound or probing
    String detail = "";           // deferral reason or last failure
    long deferredSince = -1;      // scheduler nanos of first deferral, -1 when not deferred
    boolean deferTimedOut;
    boolean goingAway;            // removeDevice has begun: nothing may probe it any more
    private final Deque<AutoCloseable> devres = new ArrayDeque<>();

    private volatile Object driverData;
    private volatile Object matchData;
    private volatile String deferReason = "";

    DeviceImpl(DeviceSpec spec, DriverCore core) {
        this.spec = spec;
        this.core = core;
    }

    DeviceSpec spec() {
        return spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String bus() {
        return "platform";
    }

    @Override
    public List<String> compatible() {
        return spec.compatible();
    }

    @Override
    public Map<String, String> properties() {
        return spec.properties();
    }

    @Override
    public Optional<String> driverName() {
        return core.locked(() -> driver == null || state != BindingState.BOUND ? Optional.<String>empty()
                : Optional.of(driver.name));
    }

    @Override
    public Object matchData() {
        return matchData;
    }

    void setMatchData(Object data) {
        matchData = data;
    }

    @Override
    public Object driverData() {
        return driverData;
    }

    @Override
    public void setDriverData(Object data) {
        driverData = data;
    }

    @Override
    public <T extends AutoCloseable> T manage(T resource) throws KernelException {
        boolean added = core.locked(() -> {
            if (state == BindingState.PROBING || state == BindingState.BOUND) {
                devres.push(resource);
                return true;
            }
            return false;
        });
        if (!added) {
            closeQuietly(resource, owner());
            throw new KernelException(Errno.ENODEV, name() + ": cannot manage " + resource
                    + ": the device is not being probed or bound (" + core.locked(() -> state.text()) + ")");
        }
        return resource;
    }

    /** Takes every managed resource, newest first. Requires the core's lock. */
    List<AutoCloseable> takeDevres() {
        List<AutoCloseable> out = new ArrayList<>(devres);
        devres.clear();
        return out;
    }

    int devresCount() {
        return devres.size();
    }

    /** Closes managed resources newest first, as their owner; failures are logged. */
    void release(List<AutoCloseable> resources, Owner owner) {
        for (AutoCloseable r : resources) {
            closeQuietly(r, owner);
        }
    }

    private void closeQuietly(AutoCloseable r, Owner owner) {
        try {
            InModule.run(owner, r::close);
        } catch (Exception | Error e) {
            log(owner, Level.WARNING, "devres: releasing " + r + " failed: " + e);
        }
    }

    private Owner owner() {
        DriverEntry d = core.locked(() -> driver);
        return d != null ? d.owner : io.kmod4j.internal.KernelOwner.INSTANCE;
    }

    void clearBindingData() {
        driverData = null;
        matchData = null;
    }

    String deferReason() {
        return deferReason;
    }

    @Override
    public KernelException errProbe(Errno errno, String fmt, Object... args) {
        String msg = Printk.format(fmt, args);
        if (errno == Errno.EPROBE_DEFER) {
            deferReason = msg;
            dbg("deferring probe: %s", msg);
        } else {
            err("error %s: %s", errno.code(), msg);
        }
        // A message that already names the device (e.g. from intProperty) is not prefixed twice.
        return new KernelException(errno, msg.startsWith(name() + ":") ? msg : name() + ": " + msg);
    }

    @Override
    public void err(String fmt, Object... args) {
        log(owner(), Level.ERR, prefix() + Printk.format(fmt, args));
    }

    @Override
    public void warn(String fmt, Object... args) {
        log(owner(), Level.WARNING, prefix() + Printk.format(fmt, args));
    }

    @Override
    public void info(String fmt, Object... args) {
        log(owner(), Level.INFO, prefix() + Printk.format(fmt, args));
    }

    @Override
    public void dbg(String fmt, Object... args) {
        log(owner(), Level.DEBUG, prefix() + Printk.format(fmt, args));
    }

    /** {@code "<driver> <device>: "} as dev_printk prefixes, or {@code "<bus> <device>: "} unbound. */
    private String prefix() {
        DriverEntry d = core.locked(() -> driver);
        return (d != null ? d.name : bus()) + " " + name() + ": ";
    }

    private void log(Owner owner, Level level, String message) {
        core.printk(owner, level, message);
    }

    @Override
    public FirmwareProvider firmwareProvider() {
        return core.firmwareProvider();
    }

    @Override
    public String toString() {
        return "device " + name();
    }
}
