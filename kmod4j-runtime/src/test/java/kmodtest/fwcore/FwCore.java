package kmodtest.fwcore;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;

/** A library module: exports kmodtest.fwcore.api. */
public final class FwCore implements Module {
    @Override
    public void init(ModuleContext ctx) {
        Printk.info("fwcore ready");
    }

    @Override
    public void exit() {
    }
}
