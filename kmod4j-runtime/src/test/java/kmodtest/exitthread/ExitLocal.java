package kmodtest.exitthread;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/**
 * Leaves one of its own objects in a thread local of the thread its exit() runs on: a worker kept
 * for the next exit would keep this module's class loader alive.
 */
public final class ExitLocal implements Module {
    static final class Kept {
    }

    private static final ThreadLocal<Object> LOCAL = new ThreadLocal<>();

    @Override
    public void init(ModuleContext ctx) {
    }

    @Override
    public void exit() {
        LOCAL.set(new Kept());
        System.getProperties().put("kmodtest.exitthread.thread", Thread.currentThread());
    }
}
