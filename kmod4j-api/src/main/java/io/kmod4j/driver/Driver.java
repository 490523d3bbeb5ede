package io.kmod4j.driver;

import java.util.List;

/**
 * A device driver ({@code struct device_driver} with its {@code probe} and {@code remove}).
 *
 * <p>The driver core calls {@link #probe} when a device on the bus matches one of
 * {@link #idTable()}'s compatible strings and no other driver is bound to it, and
 * {@link #remove} when the device goes away, the driver is unregistered or its module unloaded.
 * Calls for one device never overlap; calls for different devices may run concurrently (always
 * for {@link ProbeType#PREFER_ASYNCHRONOUS}). Both run as the driver's module: what they create
 * belongs to it. Neither is called under a lock of the driver core.
 *
 * <h2>Probe outcomes</h2>
 * <ul>
 *   <li>Return normally: the device is bound; deferred probes are retried.
 *   <li>Throw a {@code KernelException} with {@code ENODEV} or {@code ENXIO}: not this driver's
 *       device after all; another driver may try.
 *   <li>Throw {@code EPROBE_DEFER} (best through {@link Device#errProbe}, which records why):
 *       something the device needs is not there yet; the core retries after the next successful
 *       bind, until the deferred-probe timeout.
 *   <li>Throw anything else: logged, not retried.
 * </ul>
 * On any failure the device's managed resources ({@link Device#manage}) are released, newest
 * first, and its driver data is cleared. A failing probe never fails the module's init.
 */
public interface Driver {

    /** The driver's name, unique on its bus. */
    String name();

    /** The compatible strings this driver handles ({@code of_match_table}). */
    List<DeviceId> idTable();

    /** How probe is scheduled; synchronous unless asked otherwise. */
    default ProbeType probeType() {
        return ProbeType.DEFAULT_STRATEGY;
    }

    /** Whether an asynchronous probe may run on a virtual thread (true unless the driver pins threads). */
    default boolean virtualThreadsAllowed() {
        return true;
    }

    /**
     * Binds the driver to a device ({@code .probe}).
     *
     * @throws Exception see the class documentation for what each outcome means
     */
    void probe(Device dev) throws Exception;

    /**
     * Unbinds the driver from a device ({@code .remove}). Managed resources are released after it
     * returns, newest first, so they are still usable here. Exceptions are logged and ignored, as
     * Linux ignores {@code remove}'s return value.
     */
    default void remove(Device dev) throws Exception {
    }
}
