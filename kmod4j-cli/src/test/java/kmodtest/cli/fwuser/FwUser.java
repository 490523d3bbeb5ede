package kmodtest.cli.fwuser;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import kmodtest.cli.fwcore.api.Firmwares;

/** Depends on fwcore and uses its exported package. */
public final class FwUser implements Module {
    @Override
    public void init(ModuleContext ctx) {
        Printk.info("%s", Firmwares.greet(ctx.name()));
    }

    @Override
    public void exit() {
    }
}
