package io.kmod4j.cli.demo;

import io.kmod4j.Printk;
import io.kmod4j.KernelException;
import io.kmod4j.kthread.KThread;
import io.kmod4j.log.LogRing;
import io.kmod4j.sync.Completion;
import java.io.PrintWriter;

/**
 * The origin question with the primitives alone: a one-shot kthread prints "In threadFn
 * function" and ends with {@code completeAndExit}; "module exit" waits for the completion; and
 * {@code stop()} on the thread that already ended returns its result instead of crashing.
 */
final class OriginQuestionDemo {

    private final PrintWriter out;

    OriginQuestionDemo(PrintWriter out) {
        this.out = out;
    }

    int run() throws KernelException {
        out.println("kmod4j demo: a driver's probe starts a kernel thread once, to download firmware.");
        out.println("How must that thread end so that unloading its module never runs freed code?");
        out.println();
        try (AutoCloseable console = LogRing.global().subscribe(r -> out.println("    " + r.format()))) {
            Completion threadDone = new Completion();
            step(1, "init: threadDone = new Completion(); KThread.run(\"kthread-test\", threadFn)");
            KThread kthread = KThread.run("kthread-test", () -> {
                Printk.info("In %s function", "threadFn");
                KThread.completeAndExit(threadDone, 0);
                return 0; // never reached
            });

            step(2, "exit: threadDone.awaitUninterruptibly()  (Linux: wait_for_completion)");
            threadDone.awaitUninterruptibly();
            out.printf("    the thread has ended: state %s, result %d; completeAndExit signalled it%n",
                    kthread.state(), kthread.result().orElseThrow());
            out.println("    only after the thread function's frames were gone, so nothing of the");
            out.println("    module can still be running on it.");

            step(3, "kthread.stop() on the thread that already exited  (Linux: kthread_stop)");
            int result = kthread.stop();
            out.printf("    stop() returned %d. In Linux this is a use-after-free on a reaped task;%n", result);
            out.println("    a KThread handle never dangles, so stop() just returns the result, every time.");
            out.printf("    stop() again: %d%n", kthread.stop());
        } catch (KernelException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        out.println();
        out.println("Done. Read docs/ending-a-kthread.md for the whole answer.");
        return 0;
    }

    private void step(int n, String what) {
        out.println();
        out.println(n + ". " + what);
    }
}
