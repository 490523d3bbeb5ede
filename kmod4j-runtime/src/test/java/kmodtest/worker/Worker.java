package kmodtest.worker;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.kthread.KThread;
import io.kmod4j.workqueue.DelayedWork;
import io.kmod4j.workqueue.KTimer;
import io.kmod4j.workqueue.Work;
import java.time.Duration;

/**
 * A module that starts long-lived kthreads, a self-requeueing work item, a delayed work and a
 * timer, and leaves all of them running at exit: the runtime must stop and join them. Used for
 * the load/unload cycle tests.
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
        Work[] poll = new Work[1];
        poll[0] = new Work("worker-poll", () -> poll[0].schedule()); // requeues itself forever
        poll[0].schedule();
        new DelayedWork("worker-later", () -> { }).schedule(Duration.ofHours(1));
        new KTimer("worker-watchdog", () -> { }).modify(Duration.ofHours(1));
    }

    @Override
    public void exit() {
        // deliberately leaves everything to the runtime
    }
}
