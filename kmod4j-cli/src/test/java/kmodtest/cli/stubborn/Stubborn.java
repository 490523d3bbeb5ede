package kmodtest.cli.stubborn;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.kthread.KThread;
import java.util.concurrent.CountDownLatch;

/**
 * A kthread that ignores stop until the test opens the gate in system property
 * {@code kmodtest.cli.stubborn.gate}; it counts down {@code kmodtest.cli.stubborn.started} first, so
 * that the test can rmmod once the function runs (a stop before the first run would just win).
 */
public final class Stubborn implements Module {
    @Override
    public void init(ModuleContext ctx) throws KernelException {
        CountDownLatch gate = (CountDownLatch) System.getProperties().get("kmodtest.cli.stubborn.gate");
        CountDownLatch started = (CountDownLatch) System.getProperties().get("kmodtest.cli.stubborn.started");
        KThread.run("stubborn-thread", () -> {
            started.countDown();
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
