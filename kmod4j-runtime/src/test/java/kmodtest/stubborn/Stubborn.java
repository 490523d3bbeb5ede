package kmodtest.stubborn;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.kthread.KThread;
import java.util.concurrent.CountDownLatch;

/** A kthread that ignores stop: it waits uninterruptibly for a gate the test opens. */
public final class Stubborn implements Module {
    @Override
    public void init(ModuleContext ctx) throws KernelException {
        CountDownLatch gate = (CountDownLatch) System.getProperties().get("kmodtest.stubborn.gate");
        CountDownLatch started = (CountDownLatch) System.getProperties().get("kmodtest.stubborn.started");
        KThread.run("stubborn-thread", () -> {
            started.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    gate.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // ignores the stop, as a badly written driver would
                }
            }
            return interrupted ? 1 : 0;
        });
    }

    @Override
    public void exit() {
    }
}
