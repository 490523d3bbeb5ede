package io.kmod4j;

import io.kmod4j.driver.Driver;
import io.kmod4j.driver.DriverRegistration;
import java.util.Optional;

/**
 * What a module sees of the kernel, handed to {@link Module#init}. It stays valid until the
 * module's {@link Module#exit} returns; calls after that fail with {@link IllegalStateException}.
 *
 * <p>Thread-safe.
 */
public interface ModuleContext {

    /** The module's name as {@code lsmod} shows it. */
    String name();

    /** The module's version from its metadata; empty when it has none. */
    String version();

    /** The module's parameters, with the values given at load time or their defaults. */
    ModuleParams params();

    /**
     * Takes a reference on a loaded module so that it cannot be unloaded while the reference is
     * held ({@code try_module_get}). Close the reference to drop it ({@code module_put}).
     *
     * @param moduleName a module's name; this module's own name is allowed
     * @return the reference, or empty if no such module is live (not loaded, loading, or going)
     */
    Optional<ModuleRef> tryGetModule(String moduleName);

    /**
     * Registers a driver ({@code driver_register}) and binds it to every matching device present
     * now; later devices are matched as they appear. Probe failures never fail this call.
     * The module's drivers are unregistered at {@code rmmod} if it leaves them registered.
     *
     * @throws KernelException {@code EBUSY} if a driver of that name is registered,
     *     {@code EINVAL} if it has no name or an empty id table
     */
    DriverRegistration registerDriver(Driver driver) throws KernelException;
}
