package io.kmod4j.bench.module.plugin;

import io.kmod4j.bench.module.PluginHost;
import io.kmod4j.log.Level;
import org.pf4j.Plugin;

/**
 * The PF4J twin of {@code examples/hello}, the peer of {@link io.kmod4j.bench.module.ModuleCycle}:
 * {@code start()} logs "Hello World" and starts one platform thread that logs
 * "In threadFn function" and returns; {@code stop()} logs "Bye World" and joins that thread.
 *
 * <p>The join is what makes the twin fair: kmod4j's {@code rmmod} stops and joins the module's
 * kthread before it returns, so a plugin that merely forgot its thread would be doing less. Both
 * log to an in-memory {@link io.kmod4j.log.LogRing}, as {@code Printk} does for the module.
 *
 * <p>Not loaded from the class path: {@code ModuleCycle} writes this class into a plugin JAR at
 * setup, and PF4J's plugin-first class loader defines it from there on every load.
 */
public final class HelloPlugin extends Plugin {

    private Thread thread;

    @Override
    public void start() {
        PluginHost.LOG.log(Level.INFO, "hello-plugin", "Hello World");
        thread = Thread.ofPlatform().daemon(true).name("kthread-test")
                .start(() -> PluginHost.LOG.log(Level.INFO, "hello-plugin", String.format("In %s function", "threadFn")));
    }

    @Override
    public void stop() {
        PluginHost.LOG.log(Level.INFO, "hello-plugin", "Bye World");
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }
}
