package io.kmod4j.cli;

import io.kmod4j.runtime.control.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A leaf that works on files alone and needs no daemon ({@code fw pack}, {@code fw keygen}): as
 * {@link Verb} without {@code --socket}. Failures go through {@link ErrorHandler} as for every verb.
 */
abstract class LocalVerb implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the result as one JSON document instead of text.")
    boolean json;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The verb as a user typed it, for messages: {@code fw pack}. */
    String verb() {
        return ErrorHandler.verbName(spec.commandLine());
    }

    void printJson(Object value) {
        out().println(Json.write(value));
        out().flush();
    }

    /** A usage error (exit code 2) found after parsing. */
    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
