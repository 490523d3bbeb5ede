package io.kmod4j.runtime.module;

import io.kmod4j.KernelException;
import io.kmod4j.ModuleContext;
import io.kmod4j.driver.Driver;
import io.kmod4j.driver.DriverRegistration;
import io.kmod4j.ModuleParams;
import io.kmod4j.ModuleRef;
import java.util.Optional;
import java.util.function.Function;

/** The {@link ModuleContext} handed to a module's init; valid until its exit returns. */
public final class ModuleContextImpl implements ModuleContext {

    private final LoadedModule module;
    private final Function<String, Optional<ModuleRef>> refs;
    private final DriverRegistrar drivers;
    private volatile boolean valid = true;

    /** Registers a module's drivers with the kernel's driver core. */
    @FunctionalInterface
    public interface DriverRegistrar {
        DriverRegistration register(LoadedModule owner, Driver driver) throws KernelException;
    }

    public ModuleContextImpl(LoadedModule module, Function<String, Optional<ModuleRef>> refs, DriverRegistrar drivers) {
        this.module = module;
        this.refs = refs;
        this.drivers = drivers;
    }

    private void check() {
        if (!valid) {
            throw new IllegalStateException("the context of module " + module.name() + " is no longer valid: it was unloaded");
        }
    }

    @Override
    public String name() {
        check();
        return module.name();
    }

    @Override
    public String version() {
        check();
        return module.info().version();
    }

    @Override
    public ModuleParams params() {
        check();
        return module.params();
    }

    @Override
    public Optional<ModuleRef> tryGetModule(String moduleName) {
        check();
        return refs.apply(moduleName);
    }

    @Override
    public DriverRegistration registerDriver(Driver driver) throws KernelException {
        check();
        return drivers.register(module, driver);
    }

    /** Called once the module's exit has returned (or its init failed). */
    public void invalidate() {
        valid = false;
    }
}
