package kmodtest.worker;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.kthread.KThread;
import java.time.Duration;

/**
 * A module that starts long-lived kthreads and leaves them running at exit: the runtime must stop
 * and join them. Used for the load/unload cycle tests.
 */
public final class Worker implements Module {
    int threads = 2;

    @Override
    public void init(ModuleContext ctx) throws KernelException {
        for (int i = 0; i < threads; i++) {
            KThread.run("worker-" + i, () -> {
                while (!KThread.shouldStop()) {
                    KThread.scheduleTimeout(Duration.ofMinutes(1));
                }
                return 0;
            });
        }
        KThread.run("worker-oneshot", () -> 0);
    }

    @Override
    public void exit() {
        // deliberately leaves its threads to the runtime
    }
}
