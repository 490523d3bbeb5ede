package io.kmod4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AwaitTest {

    /** The stalls below are made on purpose: their dumps stay out of the build's log. */
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void aStallLeavesADumpOfEveryThreadVirtualOnesIncluded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread parked = Thread.ofVirtual().name("await-test-parked-virtual").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Await.blocked(parked);
            Path file = Await.writeThreadDump();
            assertThat(Files.readString(file))
                    .contains("await-test-parked-virtual")
                    .contains("CountDownLatch.await")
                    .contains("AwaitTest.aStallLeavesADumpOfEveryThreadVirtualOnesIncluded");
        } finally {
            release.countDown();
            parked.join();
        }
    }

    @Test
    void aConditionThatNeverHoldsFailsWithTwoDumpsAndSaysItIsStillFalse() throws Exception {
        AssertionError e = catchThrowableOfType(AssertionError.class,
                () -> Await.until("never", () -> false, Duration.ofMillis(10), QUIET));

        assertThat(e.getMessage())
                .startsWith("condition never held within PT0.01S: never (still false after the second thread dump)")
                .contains("\nthreads at the stall: ")
                .contains("\nthreads 2 s later: ");
        List<Path> dumps = dumpsNamedIn(e.getMessage());
        assertThat(dumps).hasSize(2).doesNotHaveDuplicates();
        for (Path dump : dumps) {
            assertThat(Files.readString(dump)).contains("AwaitTest.aConditionThatNeverHoldsFailsWithTwoDumps");
        }
    }

    @Test
    void aConditionThatHoldsOnlyOnceTheDumpsAreTakenIsReportedLateNotStuck() throws Exception {
        long before = stallFiles();
        // False until the stall's first dump is written, true after it: a wait that was only late.
        AssertionError e = catchThrowableOfType(AssertionError.class,
                () -> Await.until("late", () -> stallFiles() > before, Duration.ofMillis(10), QUIET));

        assertThat(e.getMessage())
                .startsWith("condition never held within PT0.01S: late (it held once the thread dumps were taken: late, not stuck)");
        assertThat(dumpsNamedIn(e.getMessage())).hasSize(2);
    }

    private static long stallFiles() {
        Path dir = Path.of("target", "stalls");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> dumpsNamedIn(String message) {
        String later = "threads " + Await.SECOND_DUMP_AFTER.toSeconds() + " s later";
        Matcher m = Pattern.compile("\n(?:threads at the stall|" + later + "): (\\S+)").matcher(message);
        return m.results().map(r -> Path.of(r.group(1))).filter(Files::exists).toList();
    }
}
