package io.kmod4j.cli.demo;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.UnloadReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Act 1: the two modules of the origin question, loaded and unloaded for real: {@code hello}
 * (a one-shot kthread that just returns, and an exit that waits for nothing) and
 * {@code hello_completion} (the answer: completeAndExit in the thread, a wait in exit).
 */
final class ModulesAct {

    private final Narrator n;
    private final Kernel kernel;
    private final Path hello;
    private final Path helloCompletion;

    ModulesAct(Narrator n, Kernel kernel, Path hello, Path helloCompletion) {
        this.n = n;
        this.kernel = kernel;
        this.hello = hello;
        this.helloCompletion = helloCompletion;
    }

    /** @return whether both unloads were clean */
    boolean run() throws KernelException {
        n.title("Act 1: the modules from the question");
        n.say("""
                hello starts a one-shot kernel thread in init and waits for nothing in exit: in Linux,
                unloading it can run freed code. hello_completion is the answer: the thread ends with
                KThread.completeAndExit(done, 0) and exit waits for done.""");

        n.command("kmod4j insmod " + hello.getFileName(), "init starts kthread-test, which returns at once");
        kernel.insmod(hello);
        n.command("kmod4j insmod " + helloCompletion.getFileName(), "the completion answer");
        kernel.insmod(helloCompletion);
        awaitThreads();
        n.command("kmod4j dmesg", "");
        n.dmesg();
        n.command("kmod4j lsmod", "");
        n.indented(lsmod(kernel.lsmod()));

        n.command("kmod4j rmmod hello", "exit() waits for nothing: the runtime stops and joins what is left");
        UnloadReport r1 = kernel.rmmod("hello");
        n.dmesg();
        n.indented(r1.format().stripTrailing());
        n.command("kmod4j rmmod hello_completion", "exit() waits for the completion itself");
        UnloadReport r2 = kernel.rmmod("hello_completion");
        n.dmesg();
        n.indented(r2.format().stripTrailing());
        n.say("");
        n.say("Both unloaded: no thread of theirs left, class loaders collected. The naive module is");
        n.say("safe here because kmod4j owns every thread a module starts and joins it at rmmod.");
        return r1.clean() && r2.clean();
    }

    /** Waits until the one-shot threads have printed, so the log reads in story order. */
    private void awaitThreads() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline
                && kernel.dmesg().stream().filter(r -> r.message().startsWith("In threadFn")).count() < 2) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    static String lsmod(List<ModuleStatus> modules) {
        StringBuilder sb = new StringBuilder("Module                  Size  Used by\n");
        for (ModuleStatus m : modules) {
            sb.append(String.format(Locale.ROOT, "%-19s %8d  %d", m.name(), m.size(), m.refcount()));
            if (!m.usedBy().isEmpty()) {
                sb.append(' ').append(String.join(",", m.usedBy()));
            }
            sb.append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
