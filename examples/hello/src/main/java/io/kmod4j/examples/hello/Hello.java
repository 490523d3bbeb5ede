package io.kmod4j.examples.hello;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.ModuleInfo;
import io.kmod4j.Printk;
import io.kmod4j.kthread.KThread;

/**
 * The origin question's module as it was first written: init starts a one-shot kernel thread
 * that prints a line and returns; exit says goodbye and waits for nothing.
 *
 * <p>In Linux this is the unsafe version: nothing stops the module from being freed while the
 * thread still runs its code, and calling {@code kthread_stop()} in exit on the thread that
 * already ended would be a use-after-free. In kmod4j it unloads safely as it is, because the
 * runtime owns the thread: {@code rmmod} stops and joins whatever the module left running, and
 * then proves the module's class loader is gone.
 */
@ModuleInfo(
        name = "hello",
        license = "GPL",
        version = "1.0",
        author = "kmod4j team",
        description = "The classic sample: a one-shot kthread and no completion")
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
