package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Printk;
import io.kmod4j.driver.Device;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRing;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal device for firmware tests: its provider is the loader under test and it logs to the
 * given ring with dev_printk's {@code "<bus> <name>: "} prefix. No driver core behind it.
 */
final class TestDevice implements Device, FirmwareProvider.Host {
    private final String name;
    private final FirmwareProvider provider;
    private final LogRing log;
    private volatile Object driverData;

    TestDevice(String name, FirmwareProvider provider, LogRing log) {
        this.name = name;
        this.provider = provider;
        this.log = log;
    }

    @Override
    public FirmwareProvider firmwareProvider() {
        return provider;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String bus() {
        return "platform";
    }

    @Override
    public List<String> compatible() {
        return List.of("kmod4j,test");
    }

    @Override
    public Map<String, String> properties() {
        return Map.of();
    }

    @Override
    public Optional<String> driverName() {
        return Optional.empty();
    }

    @Override
    public Object matchData() {
        return null;
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
        throw new KernelException(Errno.ENODEV, name + ": test device has no devres");
    }

    @Override
    public KernelException errProbe(Errno errno, String fmt, Object... args) {
        return new KernelException(errno, name + ": " + Printk.format(fmt, args));
    }

    private void log(Level level, String fmt, Object... args) {
        log.log(level, "kernel", "platform " + name + ": " + Printk.format(fmt, args));
    }

    @Override
    public void err(String fmt, Object... args) {
        log(Level.ERR, fmt, args);
    }

    @Override
    public void warn(String fmt, Object... args) {
        log(Level.WARNING, fmt, args);
    }

    @Override
    public void info(String fmt, Object... args) {
        log(Level.INFO, fmt, args);
    }

    @Override
    public void dbg(String fmt, Object... args) {
        log(Level.DEBUG, fmt, args);
    }

    @Override
    public String toString() {
        return "test device " + name;
    }
}
