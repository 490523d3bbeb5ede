package kmodtest.leakythreadlocal;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/** Leaves a module object in a thread local of the thread that loaded it. */
public final class LeakyThreadLocal implements Module {
    static final class Cached {
    }

    private static final ThreadLocal<Object> CACHE = new ThreadLocal<>();

    @Override
    public void init(ModuleContext ctx) {
        CACHE.set(new Cached());
        System.getProperties().put("kmodtest.leak.threadlocal", CACHE);
    }

    @Override
    public void exit() {
    }
}
