package kmodtest.cli.hello;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;

/** Says hello and goodbye; owns nothing, so its unload report is the same every time. */
public final class Hello implements Module {
    @Override
    public void init(ModuleContext ctx) {
        Printk.info("Hello World");
    }

    @Override
    public void exit() {
        Printk.info("Bye World");
    }
}
