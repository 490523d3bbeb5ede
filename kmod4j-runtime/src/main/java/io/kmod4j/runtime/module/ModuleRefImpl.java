package io.kmod4j.runtime.module;

import io.kmod4j.ModuleRef;
import java.util.concurrent.atomic.AtomicBoolean;

/** A counted reference on a loaded module; closing twice drops it once. */
public final class ModuleRefImpl implements ModuleRef {

    private final LoadedModule module;
    private final AtomicBoolean open = new AtomicBoolean(true);

    ModuleRefImpl(LoadedModule module) {
        this.module = module;
    }

    /** {@code try_module_get}: a reference, or null when the module is going. */
    public static ModuleRefImpl tryGet(LoadedModule module) {
        return module.tryGet() ? new ModuleRefImpl(module) : null;
    }

    @Override
    public String name() {
        return module.name();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            module.put();
        }
    }

    @Override
    public String toString() {
        return "ModuleRef[" + module.name() + (open.get() ? "" : ", closed") + "]";
    }
}
