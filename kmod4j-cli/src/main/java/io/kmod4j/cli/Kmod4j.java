package io.kmod4j.cli;

import io.kmod4j.cli.demo.DemoCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kmod4j} command: a tree of verbs people know from kmod ({@code insmod},
 * {@code rmmod}, {@code lsmod}, ...), each a leaf that returns an exit code. {@code daemon} runs a
 * kernel behind a control socket; the module, device ({@code devices}, {@code device add|remove},
 * {@code bind}, {@code unbind}) and firmware ({@code fw ...}) verbs talk to it
 * ({@code modinfo FILE}, {@code depmod DIR}, {@code fw pack} and {@code fw keygen} read and write
 * files directly and need no daemon); {@code devsim} runs the emulated flash device.
 *
 * <p>Exit codes: {@code 0} success; {@code 1} the operation failed (the message names the errno);
 * {@code 2} the command line was wrong; {@code 3} the daemon could not be reached.
 */
@Command(name = "kmod4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Hot-loadable modules for the JVM with Linux kernel semantics and proven safe unload.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed; the message names the errno",
            "2:the command line was wrong",
            "3:the daemon could not be reached (start one with 'kmod4j daemon')"},
        subcommands = {
            DaemonCommand.class,
            InsmodCommand.class,
            RmmodCommand.class,
            LsmodCommand.class,
            ModinfoCommand.class,
            ModprobeCommand.class,
            DepmodCommand.class,
            DmesgCommand.class,
            DevicesCommand.class,
            DeviceCommand.class,
            BindCommands.Bind.class,
            BindCommands.Unbind.class,
            FwCommand.class,
            DevsimCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class})
public final class Kmod4j implements Runnable {

    /** Exit code: success. */
    public static final int EXIT_OK = 0;
    /** Exit code: the operation failed; the message names the errno. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code: the command line was wrong. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: the daemon could not be reached. */
    public static final int EXIT_NO_DAEMON = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs a command line in-process, writing to the given streams.
     *
     * @return the exit code; the streams are flushed
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Kmod4j());
        cl.setOut(out);
        cl.setErr(err);
        ErrorHandler handler = new ErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        return cl;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }
}
