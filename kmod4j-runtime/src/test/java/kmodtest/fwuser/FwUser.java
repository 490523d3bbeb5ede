package kmodtest.fwuser;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import kmodtest.fwcore.api.Firmwares;

/** Depends on fwcore and uses its exported package. */
public final class FwUser implements Module {
    @Override
    public void init(ModuleContext ctx) {
        Printk.info("%s", Firmwares.greet(ctx.name()));
        try {
            Class.forName("kmodtest.fwcore.FwCore");
            Printk.err("fwcore's private class is visible");
        } catch (ClassNotFoundException expected) {
            Printk.info("fwcore's private classes are hidden");
        }
    }

    @Override
    public void exit() {
    }
}
