package io.kmod4j.driver;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device on a bus ({@code struct device}), as a driver sees it.
 *
 * <p>Devices are created by the kernel (from a devices file, the embedding API or
 * {@code kmod4j device add}), never by drivers. The handle stays valid after the device is
 * removed: calls that need a live device then fail with {@code ENODEV}. Thread-safe.
 */
public interface Device {

    /** The device's name, unique on its bus ({@code dev_name}). */
    String name();

    /** The bus it sits on, e.g. {@code "platform"}. */
    String bus();

    /** Its compatible strings, most specific first. */
    List<String> compatible();

    /** Its properties: address, port, firmware name, ... ({@code device_property_*}). */
    Map<String, String> properties();

    /** A property, if present ({@code device_property_read_string}). */
    default Optional<String> property(String key) {
        return Optional.ofNullable(properties().get(key));
    }

    /**
     * An integer property ({@code device_property_read_u32}).
     *
     * @throws KernelException {@code EINVAL} if present but not an integer, naming device and key;
     *     {@code ENODATA} if absent
     */
    default long intProperty(String key) throws KernelException {
        String v = properties().get(key);
        if (v == null) {
            throw new KernelException(Errno.ENODATA, name() + ": no property '" + key + "'");
        }
        try {
            return Long.decode(v.trim());
        } catch (NumberFormatException e) {
            throw new KernelException(Errno.EINVAL, name() + ": property '" + key + "' is not an integer: '" + v + "'");
        }
    }

    /** The name of the driver bound to it, if any ({@code dev->driver}). */
    Optional<String> driverName();

    /** The driver data of the matching {@link DeviceId}, during and after probe; null if none. */
    Object matchData();

    /** The driver's per-device data ({@code dev_get_drvdata}); null when unset. */
    Object driverData();

    /** Sets the driver's per-device data ({@code dev_set_drvdata}); cleared when unbound. */
    void setDriverData(Object data);

    /**
     * Ties a resource's lifetime to the binding ({@code devm_add_action_or_reset}): it is closed
     * after {@code remove}, or after a failed probe, newest first. If it cannot be registered
     * (the device is going away) it is closed at once and the failure is thrown.
     *
     * @return {@code resource}, for chaining
     * @throws KernelException {@code ENODEV} if the device is not being probed or bound
     */
    <T extends AutoCloseable> T manage(T resource) throws KernelException;

    /** Like {@link #manage(AutoCloseable)} for an action ({@code devm_add_action_or_reset}). */
    default void manage(String what, Runnable release) throws KernelException {
        manage(new AutoCloseable() {
            @Override
            public void close() {
                release.run();
            }

            @Override
            public String toString() {
                return what;
            }
        });
    }

    /**
     * {@code dev_err_probe}: logs why probe fails (at debug level for {@code EPROBE_DEFER}, whose
     * reason is recorded and shown by {@code kmod4j devices}; as an error otherwise) and returns
     * the exception for probe to throw.
     */
    KernelException errProbe(Errno errno, String fmt, Object... args);

    /** {@code dev_err}: logs with the driver and device name as prefix. */
    void err(String fmt, Object... args);

    /** {@code dev_warn}. */
    void warn(String fmt, Object... args);

    /** {@code dev_info}. */
    void info(String fmt, Object... args);

    /** {@code dev_dbg}. */
    void dbg(String fmt, Object... args);
}
