package io.kmod4j.modpost;

import javax.annotation.processing.Messager;
import javax.tools.Diagnostic;

/**
 * Compile errors raised by the processor, counted so that a check can tell whether it found
 * anything wrong ({@link #errors()} before and after). Not thread-safe: javac calls processors
 * from one thread.
 */
final class Report {
    private final Messager messager;
    private int errors;

    Report(Messager messager) {
        this.messager = messager;
    }

    /** Reports a compile error at {@code site}; javac fails the compilation. */
    void error(Site site, String message) {
        errors++;
        messager.printMessage(Diagnostic.Kind.ERROR, message, site.element(), site.annotation(), site.value());
    }

    /** Reports a compile error that belongs to no element (a broken processor installation). */
    void error(String message) {
        errors++;
        messager.printMessage(Diagnostic.Kind.ERROR, message);
    }

    /** How many errors this report has raised so far. */
    int errors() {
        return errors;
    }
}
