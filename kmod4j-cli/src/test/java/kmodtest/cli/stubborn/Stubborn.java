package kmodtest.cli.stubborn;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.kthread.KThread;
import java.util.concurrent.CountDownLatch;

/** A kthread that ignores stop until the test opens the gate in system property kmodtest.cli.stubborn.gate. */
public final class Stubborn implements Module {
    @Override
    public void init(ModuleContext ctx) throws KernelException {
        CountDownLatch gate = (CountDownLatch) System.getProperties().get("kmodtest.cli.stubborn.gate");
        KThread.run("stubborn-thread", () -> {
            while (true) {
                try {
                    gate.await();
                    return 0;
                } catch (InterruptedException e) {
                    // ignores the stop, as a badly written driver would
                }
            }
        });
    }

    @Override
    public void exit() {
    }
}
