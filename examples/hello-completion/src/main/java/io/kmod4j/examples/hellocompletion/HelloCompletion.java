package io.kmod4j.examples.hellocompletion;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.ModuleInfo;
import io.kmod4j.Printk;
import io.kmod4j.kthread.KThread;
import io.kmod4j.sync.Completion;

/**
 * The origin question's answer: the thread ends with {@code completeAndExit}, and exit waits for
 * the completion, so exit returns only when no code of this module runs on that thread any more.
 * If the thread cannot be created, init completes the completion itself, so that nothing could
 * ever wait for it in vain.
 */
@ModuleInfo(
        name = "hello_completion",
        license = "GPL",
        version = "1.0",
        author = "kmod4j team",
        description = "The answer: kthread_complete_and_exit in the thread, wait_for_completion in exit")
public final class HelloCompletion implements Module {

    private final Completion threadDone = new Completion();

    @Override
    public void init(ModuleContext ctx) throws KernelException {
        Printk.info("Hello World");
        try {
            KThread.run("kthread-test", () -> {
                Printk.info("In %s function", "threadFn");
                KThread.completeAndExit(threadDone, 0);
                return 0; // not reached: completeAndExit never returns
            });
        } catch (KernelException e) {
            Printk.err("Unable to run kthread err %d", e.code());
            threadDone.complete(); // nothing else will ever complete it
            throw e;
        }
    }

    @Override
    public void exit() {
        threadDone.awaitUninterruptibly();
        Printk.info("Bye World");
    }
}
