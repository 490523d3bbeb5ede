package io.kmod4j.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
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

    /** Returns as soon as {@code condition} holds; throws AssertionError after {@link #PATIENCE}. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition never held within " + PATIENCE + ": " + what + dumpThreads());
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /**
     * Something waited {@link #PATIENCE} in vain: writes every thread's stack, virtual threads
     * included, to standard error (which a CI log keeps) and to a file under the working
     * directory's {@code target/}, so that a rare stall leaves more than its symptom.
     *
     * @return a line naming the file, to append to the failure's message; empty if no dump could
     *     be made
     */
    public static String dumpThreads() {
        try {
            Path file = writeThreadDump();
            System.err.println("=== threads at a " + PATIENCE + " stall (" + file + ") ===");
            System.err.println(Files.readString(file));
            return "\nthreads: " + file;
        } catch (Exception | Error e) {
            return "\n(no thread dump: " + e + ")";
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
