package io.kmod4j.cli;

import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.DaemonUnreachableException;
import io.kmod4j.runtime.control.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * A leaf of the command tree: parses its options, does one thing, returns an exit code. Failures
 * are thrown and turned into a message and an exit code by {@link ErrorHandler}, in one place.
 */
abstract class Verb implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions options;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Connects to the daemon; failing that, exit code 3 with the socket's path in the message. */
    ControlClient connect() throws DaemonUnreachableException {
        return ControlClient.connect(options.socket());
    }

    /** The verb as a user typed it, for messages: {@code rmmod}, {@code fw upload}. */
    String verb() {
        return ErrorHandler.verbName(spec.commandLine());
    }

    /** Prints one JSON document on one line. */
    void printJson(Object value) {
        out().println(Json.write(value));
        out().flush();
    }

    /** A usage error (exit code 2) found after parsing, such as a malformed {@code name=value}. */
    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
