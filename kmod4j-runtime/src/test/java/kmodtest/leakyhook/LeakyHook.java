package kmodtest.leakyhook;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/** Registers a JVM shutdown hook of its own and never removes it. */
public final class LeakyHook implements Module {
    @Override
    public void init(ModuleContext ctx) {
        Thread hook = new Thread(() -> { }, "leaky-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        System.getProperties().put("kmodtest.leak.hook", hook);
    }

    @Override
    public void exit() {
    }
}
