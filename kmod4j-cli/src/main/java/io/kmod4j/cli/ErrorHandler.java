package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.control.DaemonUnreachableException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place that turns a failure into a message and an exit code.
 *
 * <ul>
 *   <li>a {@link DaemonUnreachableException}: {@code "<verb>: ERROR: <sentence naming the socket and
 *       'kmod4j daemon'> (<ERRNO>)"}, {@link Kmod4j#EXIT_NO_DAEMON};
 *   <li>a {@link KernelException}: {@code "<verb>: ERROR: <sentence> (<ERRNO>)"},
 *       {@link Kmod4j#EXIT_FAILURE};
 *   <li>a {@link CliException}: {@code "<verb>: ERROR: <sentence>"} and its own exit code;
 *   <li>a command-line mistake: {@code "<verb>: ERROR: <what picocli found>"} and a pointer to
 *       {@code --help}, {@link Kmod4j#EXIT_USAGE};
 *   <li>anything else is a bug: {@code "<verb>: BUG: ..."} with the stack trace,
 *       {@link Kmod4j#EXIT_FAILURE}.
 * </ul>
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    /** The error line for a failed kernel operation: {@code "rmmod: ERROR: Module hello is in use by: fwcore (EWOULDBLOCK)"}. */
    static String line(String verb, KernelException e) {
        return verb + ": ERROR: " + e.getMessage() + " (" + e.errno().name() + ")";
    }

    /**
     * The command's words after {@code kmod4j}, as messages start: {@code rmmod}, {@code fw upload};
     * {@code kmod4j} itself for the top level.
     */
    static String verbName(CommandLine cl) {
        String q = cl.getCommandSpec().qualifiedName(" ");
        int space = q.indexOf(' ');
        return space < 0 ? q : q.substring(space + 1);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        String command = verbName(cl);
        PrintWriter err = cl.getErr();
        int code;
        if (ex instanceof DaemonUnreachableException du) {
            err.println(line(command, du));
            code = Kmod4j.EXIT_NO_DAEMON;
        } else if (ex instanceof KernelException ke) {
            err.println(line(command, ke));
            code = Kmod4j.EXIT_FAILURE;
        } else if (ex instanceof CliException ce) {
            err.println(command + ": ERROR: " + ce.getMessage());
            code = ce.exitCode();
        } else {
            err.println(command + ": BUG: " + ex);
            ex.printStackTrace(err);
            code = Kmod4j.EXIT_FAILURE;
        }
        err.flush();
        return code;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(verbName(cl) + ": ERROR: " + ex.getMessage());
        String path = cl.getCommandSpec().qualifiedName();
        err.println("Try '" + path + " --help' for more information.");
        err.flush();
        return Kmod4j.EXIT_USAGE;
    }
}
