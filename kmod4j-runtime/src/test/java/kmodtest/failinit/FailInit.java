package kmodtest.failinit;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import io.kmod4j.kthread.KThread;
import java.time.Duration;

/** Starts threads, then fails: insmod must fail with ENODEV and leave nothing behind. */
public final class FailInit implements Module {
    @Override
    public void init(ModuleContext ctx) throws KernelException {
        for (int i = 0; i < 3; i++) {
            KThread.run("failinit-loop-" + i, () -> {
                while (!KThread.shouldStop()) {
                    KThread.scheduleTimeout(Duration.ofMinutes(1));
                }
                return 0;
            });
        }
        KThread.create("failinit-never-woken", () -> 0);
        Printk.err("no device found");
        throw new KernelException(Errno.ENODEV, "no device found");
    }

    @Override
    public void exit() {
        Printk.emerg("exit must never run after a failed init");
    }
}
