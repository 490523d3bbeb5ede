package kmodtest.exitthread;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;

/** Tells the test which thread its exit() ran on, and leaves nothing behind. */
public final class ExitRecorder implements Module {
    @Override
    public void init(ModuleContext ctx) {
    }

    @Override
    public void exit() {
        Printk.info("exit on %s", Thread.currentThread().getName());
        System.getProperties().put("kmodtest.exitthread.thread", Thread.currentThread());
    }
}
