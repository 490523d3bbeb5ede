package kmodtest.completion;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import io.kmod4j.kthread.KThread;
import io.kmod4j.sync.Completion;

/** The answer's pattern: completeAndExit in the thread, a wait in exit. */
public final class HelloCompletion implements Module {
    private final Completion threadDone = new Completion();

    @Override
    public void init(ModuleContext ctx) throws KernelException {
        Printk.info("Hello World");
        try {
            KThread.run("kthread-test", () -> {
                Printk.info("In %s function", "threadFn");
                KThread.completeAndExit(threadDone, 0);
                return 0;
            });
        } catch (KernelException e) {
            threadDone.complete();
            throw e;
        }
    }

    @Override
    public void exit() {
        threadDone.awaitUninterruptibly();
        Printk.info("Bye World");
    }
}
