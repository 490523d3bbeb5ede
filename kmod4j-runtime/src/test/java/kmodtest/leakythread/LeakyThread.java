package kmodtest.leakythread;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import java.util.concurrent.CountDownLatch;

/** Starts a raw Thread behind the runtime's back and never stops it. */
public final class LeakyThread implements Module {
    @Override
    public void init(ModuleContext ctx) {
        CountDownLatch gate = (CountDownLatch) System.getProperties().get("kmodtest.leak.gate");
        Thread t = new Thread(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "leaky-raw-thread");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void exit() {
    }
}
