package io.kmod4j.cli.demo;

import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the demo's story: headings, the commands a user would type, explanations, and the kernel
 * log as it happens (each new dmesg line printed under the step that caused it).
 */
final class Narrator {
    private final PrintWriter out;
    private final LogRing log;
    private final AtomicLong shown = new AtomicLong(-1);

    Narrator(PrintWriter out, LogRing log) {
        this.out = out;
        this.log = log;
        this.shown.set(log.nextSeq() - 1);
    }

    void title(String text) {
        out.println();
        out.println(text);
        out.println("=".repeat(Math.min(78, text.length())));
    }

    void say(String text) {
        for (String line : text.split("\n")) {
            out.println(line);
        }
    }

    void command(String cmd, String why) {
        out.println();
        out.println("$ " + cmd + (why.isEmpty() ? "" : "    # " + why));
    }

    void indented(String text) {
        for (String line : text.split("\n")) {
            out.println("  " + line);
        }
    }

    /** Prints the kernel log lines not shown yet, indented, with their owner. */
    void dmesg() {
        for (LogRecord r : log.recordsAfter(shown.get())) {
            shown.set(r.seq());
            if (r.level().number() <= io.kmod4j.log.Level.INFO.number()) {
                out.println("  " + r.format());
            }
        }
        out.flush();
    }

    /** Prints new log lines above a progress bar that is then redrawn. */
    void dmesgAbove(FirmwareAct.ProgressBar bar) {
        if (log.nextSeq() - 1 > shown.get()) {
            bar.clear();
            dmesg();
        }
    }

    /** Whether any log line so far contains {@code text}. */
    boolean logContains(String text) {
        return log.records().stream().anyMatch(r -> r.message().contains(text));
    }

    PrintWriter out() {
        return out;
    }
}
