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
        // Return only once the thread waits inside this module's code (or has ended, when the
        // test opened the gate first): a scan that came earlier would find it by its context
        // class loader alone, with no module frame yet.
        while (t.getState() != Thread.State.WAITING && t.isAlive()) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void exit() {
    }
}
