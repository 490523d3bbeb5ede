package io.kmod4j.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LogRingTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final LogRing ring = new LogRing(4, now::get);

    @Test
    void linesAreStampedWithSecondsSinceBootAndTheirOwnerAsDmesgPrintsThem() {
        now.addAndGet(123_456_789L);
        ring.log(Level.INFO, "hello", "Hello World");
        now.addAndGet(12_000_000_000L);
        ring.log(Level.ERR, "kernel", "something broke");
        assertThat(ring.records()).extracting(LogRecord::format).containsExactly(
                "[    0.123456] hello: Hello World",
                "[   12.123456] kernel: something broke");
        assertThat(ring.records().get(1).formatRaw()).isEqualTo("<3>[   12.123456] kernel: something broke");
        assertThat(ring.uptime()).isEqualTo(Duration.ofNanos(12_123_456_789L));
    }

    @Test
    void theRingKeepsOnlyTheNewestLinesAndNumbersThemAll() {
        for (int i = 0; i < 6; i++) {
            ring.log(Level.INFO, "m", "line " + i);
        }
        List<LogRecord> kept = ring.records();
        assertThat(kept).extracting(LogRecord::message).containsExactly("line 2", "line 3", "line 4", "line 5");
        assertThat(kept).extracting(LogRecord::seq).containsExactly(2L, 3L, 4L, 5L);
        assertThat(ring.nextSeq()).isEqualTo(6);
        assertThat(ring.recordsAfter(3)).extracting(LogRecord::message).containsExactly("line 4", "line 5");
        assertThat(ring.recordsAfter(0)).as("lost lines are skipped").hasSize(4);
    }

    @Test
    void aMessageWithSeveralLinesBecomesSeveralRecordsWithOneTimestamp() {
        ring.log(Level.ALERT, "m", "Oops: first\n  at second\n  at third\n");
        assertThat(ring.records()).extracting(LogRecord::message)
                .containsExactly("Oops: first", "  at second", "  at third");
        assertThat(ring.records()).extracting(LogRecord::nanosSinceBoot).containsOnly(0L);
    }

    @Test
    void overlongLinesAreCutAndNullBecomesVisible() {
        ring.log(Level.INFO, "m", "x".repeat(LogRing.MAX_LINE + 50));
        ring.log(Level.INFO, "m", null);
        assertThat(ring.records().get(0).message()).hasSize(LogRing.MAX_LINE);
        assertThat(ring.records().get(1).message()).isEqualTo("(null)");
    }

    @Test
    void clearHidesEverythingLoggedSoFar() {
        ring.log(Level.INFO, "m", "old");
        ring.clear();
        assertThat(ring.records()).isEmpty();
        ring.log(Level.INFO, "m", "new");
        assertThat(ring.records()).extracting(LogRecord::message).containsExactly("new");
    }

    @Test
    void awaitAfterReturnsNewLinesAtOnceOrWhenTheyArriveOrNothingOnTimeout() throws Exception {
        ring.log(Level.INFO, "m", "a");
        assertThat(ring.awaitAfter(-1, Duration.ZERO)).extracting(LogRecord::message).containsExactly("a");
        assertThat(ring.awaitAfter(0, Duration.ZERO)).isEmpty();
        assertThat(ring.awaitAfter(0, Duration.ofMillis(10))).isEmpty();

        AtomicReference<List<LogRecord>> got = new AtomicReference<>();
        Thread follower = Thread.ofPlatform().start(() -> {
            try {
                got.set(ring.awaitAfter(0, Duration.ofMinutes(5)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Await.blocked(follower);
        ring.log(Level.INFO, "m", "b");
        follower.join();
        assertThat(got.get()).extracting(LogRecord::message).containsExactly("b");
    }

    @Test
    void subscribersSeeNewLinesAndAFailingOneIsDropped() throws Exception {
        List<String> seen = new ArrayList<>();
        try (AutoCloseable sub = ring.subscribe(r -> seen.add(r.message()))) {
            ring.subscribe(r -> {
                throw new IllegalStateException("broken console");
            });
            ring.log(Level.INFO, "m", "one\ntwo");
            ring.log(Level.INFO, "m", "three");
        }
        ring.log(Level.INFO, "m", "after close");
        assertThat(seen).containsExactly("one", "two", "three");
    }

    @Test
    void levelsParseByDmesgNameEnumNameOrNumber() {
        assertThat(Level.parse("warn")).isEqualTo(Level.WARNING);
        assertThat(Level.parse("WARNING")).isEqualTo(Level.WARNING);
        assertThat(Level.parse("3")).isEqualTo(Level.ERR);
        assertThat(Level.EMERG.number()).isZero();
        assertThat(Level.DEBUG.number()).isEqualTo(7);
        assertThatThrownBy(() -> Level.parse("loud")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loud");
    }

    @Test
    void aRingNeedsRoom() {
        assertThatThrownBy(() -> new LogRing(0, System::nanoTime)).isInstanceOf(IllegalArgumentException.class);
    }
}
