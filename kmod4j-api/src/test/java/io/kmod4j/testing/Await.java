package io.kmod4j.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits on a condition in tests, never on a guessed sleep: fails loudly if it never holds. */
public final class Await {
    /** Long enough never to fire on a healthy machine; only a bug waits this long. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Await() {}

    /**
     * How far apart the two thread dumps of a stall are: a thread stuck for good is in the same
     * place in both, one that is only slow has moved.
     */
    static final Duration SECOND_DUMP_AFTER = Duration.ofSeconds(2);

    /**
     * Returns as soon as {@code condition} holds; throws AssertionError after {@link #PATIENCE}.
     * The message says whether the condition held by the time the two thread dumps were taken
     * (slow) or still did not (stuck), and names the dumps.
     */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, PATIENCE, System.err);
    }

    /** As {@link #until(String, BooleanSupplier)}, with the patience and where the dumps are printed. */
    static void until(String what, BooleanSupplier condition, Duration patience, PrintStream log) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                String dumps = dumpThreads(log);
                String after = condition.getAsBoolean()
                        ? " (it held once the thread dumps were taken: late, not stuck)"
                        : " (still false after the second thread dump)";
                throw new AssertionError("condition never held within " + patience + ": " + what + after + dumps);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /**
     * Something waited {@link #PATIENCE} in vain: writes every thread's stack, virtual threads
     * included, twice, {@link #SECOND_DUMP_AFTER} apart, to standard error (which a CI log keeps)
     * and to files under the working directory's {@code target/}, so that a rare stall leaves more
     * than its symptom, and threads that moved between the two can be told from those that did not
     * (a loop that sleeps in the same call each round looks unmoved too).
     *
     * @return lines naming the files, to append to the failure's message
     */
    public static String dumpThreads() {
        return dumpThreads(System.err);
    }

    private static String dumpThreads(PrintStream log) {
        String first = dumpOnce("threads at the stall", log);
        long second = System.nanoTime() + SECOND_DUMP_AFTER.toNanos();
        for (long left; (left = second - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left); // a pause between two diagnostics, not a synchronisation
        }
        return first + dumpOnce("threads " + SECOND_DUMP_AFTER.toSeconds() + " s later", log);
    }

    private static String dumpOnce(String title, PrintStream log) {
        try {
            Path file = writeThreadDump();
            log.println("=== " + title + " (" + file + ") ===");
            log.println(Files.readString(file));
            return "\n" + title + ": " + file;
        } catch (Exception | Error e) {
            return "\n(" + title + ": no thread dump: " + e + ")";
        }
    }

    /** Writes every thread's stack, virtual threads included, to a new file under {@code target/stalls}. */
    static Path writeThreadDump() throws java.io.IOException {
        Path dir = Files.createDirectories(Path.of("target", "stalls"));
        Path file = dir.resolve("threads-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".txt")
                .toAbsolutePath();
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
        return file;
    }

    /** Waits until {@code t} is blocked (WAITING or TIMED_WAITING). */
    public static void blocked(Thread t) {
        until(t.getName() + " blocked", () -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        });
    }
}
