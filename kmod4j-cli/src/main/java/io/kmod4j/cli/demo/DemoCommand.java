package io.kmod4j.cli.demo;

import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kmod4j demo}: the story kmod4j was built for, told by running it in-process: a kernel
 * boots, the modules from the origin question load and unload with proof.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the story kmod4j was built for, in-process, in a few seconds.",
                "The modules of the origin question load, run and unload with proof; then a driver",
                "pushes firmware over TFTP to an emulated flash device and is unloaded mid-push."})
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the demo puts its modules and state (default: a new temporary directory).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("kmod4j-demo-");
        long start = System.nanoTime();
        LogRing log = new LogRing();
        Narrator n = new Narrator(out, log);
        n.say("kmod4j demo");
        n.say("");
        n.say("""
                The question: a driver's probe starts a kernel thread once, to download firmware to its
                device. How must that thread end so that unloading the module never runs freed code?
                (Linux's answer: kthread_complete_and_exit() in the thread, wait_for_completion() in exit.)""");
        boolean clean;
        Path firmware = Files.createDirectories(dir.resolve("firmware"));
        try (Kernel kernel = Kernel.boot(KernelConfig.builder().log(log).moduleDir(dir.resolve("modules"))
                .firmware(FirmwareConfig.builder().roots(firmware).fallbackEnabled(false).build())
                .unloadTimeout(Duration.ofSeconds(10)).build())) {
            List<Path> jars = DemoModules.materialise(dir.resolve("modules"), "hello", "hello-completion", "tftp-flash");
            clean = new ModulesAct(n, kernel, jars.get(0), jars.get(1)).run();
            clean &= new FirmwareAct(n, kernel, jars.get(2), firmware, dir.resolve("flash0-state")).run();
        }
        n.say("");
        n.say(String.format(java.util.Locale.ROOT, "Done in %.1f s. %s", (System.nanoTime() - start) / 1e9,
                clean ? "Every unload was proven clean." : "Some unload was NOT clean: see the reports above."));
        n.say("Read docs/ending-a-kthread.md for the whole answer; try ./kmod4j --help for the commands.");
        out.flush();
        return clean ? 0 : 1;
    }
}
