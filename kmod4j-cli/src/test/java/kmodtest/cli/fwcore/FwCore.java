package kmodtest.cli.fwcore;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/** A library module that exports kmodtest.cli.fwcore.api. */
public final class FwCore implements Module {
    @Override
    public void init(ModuleContext ctx) {
    }

    @Override
    public void exit() {
    }
}
