package kmodtest.leakyexecutor;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Creates a thread pool, uses it once, never shuts it down. */
public final class LeakyExecutor implements Module {
    @Override
    public void init(ModuleContext ctx) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "leaky-pool-worker");
            t.setDaemon(true);
            return t;
        });
        pool.submit(() -> "warm").get();
        System.getProperties().put("kmodtest.leak.executor", pool);
    }

    @Override
    public void exit() {
    }
}
