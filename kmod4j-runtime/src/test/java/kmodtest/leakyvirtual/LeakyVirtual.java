package kmodtest.leakyvirtual;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import java.util.concurrent.CountDownLatch;

/** Starts a virtual thread behind the runtime's back and never stops it. */
public final class LeakyVirtual implements Module {
    @Override
    public void init(ModuleContext ctx) {
        CountDownLatch gate = (CountDownLatch) System.getProperties().get("kmodtest.leak.gate");
        Thread t = Thread.ofVirtual().name("leaky-virtual").start(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // Return only once it waits inside this module's code (or has ended), so the scan sees a
        // module frame.
        while (t.getState() != Thread.State.WAITING && t.isAlive()) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void exit() {
    }
}
