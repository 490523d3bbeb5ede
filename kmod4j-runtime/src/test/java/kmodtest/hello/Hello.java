package kmodtest.hello;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import io.kmod4j.kthread.KThread;

/** The origin question's naive module: a one-shot kthread that just returns; exit waits for nothing. */
public final class Hello implements Module {
    @Override
    public void init(ModuleContext ctx) throws KernelException {
        Printk.info("Hello World");
        KThread.run("kthread-test", () -> {
            Printk.info("In %s function", "threadFn");
            return 0;
        });
    }

    @Override
    public void exit() {
        Printk.info("Bye World");
    }
}
