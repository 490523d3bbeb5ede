package kmodtest.isolation;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;

/** Reports which classes it can and cannot see. */
public final class Isolation implements Module {
    @Override
    public void init(ModuleContext ctx) {
        for (String name : new String[] {"io.kmod4j.runtime.Kernel", "io.kmod4j.internal.Ownership",
                "io.kmod4j.runtime.testing.Shared", "org.junit.jupiter.api.Test", "java.sql.Connection",
                "io.kmod4j.kthread.KThread", "kmodtest.bundled.lib.Library"}) {
            try {
                Class<?> c = Class.forName(name);
                Printk.info("visible %s (loader %s)", name, c.getClassLoader() == null ? "boot" : c.getClassLoader().getName());
            } catch (ClassNotFoundException e) {
                Printk.info("hidden %s", name);
            }
        }
        Printk.info("context loader is mine: %b", Thread.currentThread().getContextClassLoader() == getClass().getClassLoader());
        Printk.info("resource: %s", getClass().getResource("Isolation.class") != null);
    }

    @Override
    public void exit() {
    }
}
