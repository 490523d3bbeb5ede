package kmodtest.cli.params;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;

/** Two parameters, printed at init. */
public final class Params implements Module {
    int count;
    boolean verbose;

    @Override
    public void init(ModuleContext ctx) {
        Printk.info("count=%d verbose=%b", count, verbose);
    }

    @Override
    public void exit() {
    }
}
