package io.kmod4j.cli.demo;

import io.kmod4j.KernelException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kmod4j demo}: the origin question's story, told by running it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the story kmod4j was built for: a one-shot kernel thread that must end safely.")
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws KernelException {
        PrintWriter out = spec.commandLine().getOut();
        return new OriginQuestionDemo(out).run();
    }
}
