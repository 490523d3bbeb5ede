package kmodtest.permanent;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;

/** init but no exit: a permanent module. */
public final class Permanent implements Module {
    @Override
    public void init(ModuleContext ctx) {
        Printk.info("here to stay");
    }
}
