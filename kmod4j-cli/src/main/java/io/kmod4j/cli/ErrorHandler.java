package io.kmod4j.cli;

import io.kmod4j.KernelException;
import picocli.CommandLine;

/**
 * The one place that turns an exception from a command into a message and an exit code:
 * {@code "<command>: ERROR: <sentence> (<ERRNO>)"} and {@link Kmod4j#EXIT_FAILURE} for a
 * {@link KernelException}; a full stack trace only for bugs.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        String command = cl.getCommandName();
        if (ex instanceof KernelException ke) {
            cl.getErr().println(command + ": ERROR: " + ke.getMessage() + " (" + ke.errno().name() + ")");
            return Kmod4j.EXIT_FAILURE;
        }
        if (ex instanceof CliException ce) {
            cl.getErr().println(command + ": ERROR: " + ce.getMessage());
            return ce.exitCode();
        }
        cl.getErr().println(command + ": BUG: " + ex);
        ex.printStackTrace(cl.getErr());
        return Kmod4j.EXIT_FAILURE;
    }
}
