package io.kmod4j.runtime.unload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When the background verifier collects: once per burst of unloads, not once per unload, and for a
 * loader that survived, not before its backoff is over.
 */
class LoaderVerifierTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long NONE = Long.MIN_VALUE; // no earlier collection to keep away from

    @Test
    void aFreshLoaderIsDueWhenItsBurstEndsOrItsWindowIsOver() {
        LoaderVerifier.Pending early = new LoaderVerifier.Pending(new Object(), 0);
        LoaderVerifier.Pending late = new LoaderVerifier.Pending(new Object(), 40 * MS);
        // Last arrival at 40 ms, quiet 10 ms: the burst ended at 50 ms, before early's window (250 ms).
        assertThat(LoaderVerifier.dueAt(List.of(early, late), 40 * MS, 10 * MS, 250 * MS, NONE)).isEqualTo(50 * MS);
        // Arrivals kept coming until 245 ms: early's window (250 ms) ends first.
        assertThat(LoaderVerifier.dueAt(List.of(early, late), 245 * MS, 10 * MS, 250 * MS, NONE)).isEqualTo(250 * MS);
    }

    @Test
    void aSurvivorIsDueWhenItsBackoffIsOver() {
        LoaderVerifier.Pending survivor = new LoaderVerifier.Pending(new Object(), 0);
        survivor.collectionsSeen = 1;
        survivor.nextCountAt = 300 * MS;
        assertThat(LoaderVerifier.dueAt(List.of(survivor), 0, 10 * MS, 250 * MS, NONE)).isEqualTo(300 * MS);
        assertThat(LoaderVerifier.dueAt(List.of(), 0, 10 * MS, 250 * MS, 500 * MS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void noCollectionComesSoonerAfterTheLastThanWhatItTook() {
        LoaderVerifier.Pending fresh = new LoaderVerifier.Pending(new Object(), 100 * MS);
        // Quiet since 110 ms, but the last collection ended at 100 ms after taking 80 ms.
        long notBefore = 100 * MS + 80 * MS;
        assertThat(LoaderVerifier.dueAt(List.of(fresh), 100 * MS, 10 * MS, 250 * MS, notBefore)).isEqualTo(180 * MS);
        // A window shorter than that spacing does not override it either.
        assertThat(LoaderVerifier.dueAt(List.of(fresh), 100 * MS, 10 * MS, 20 * MS, notBefore)).isEqualTo(180 * MS);
    }

    @Test
    void aSlowStreamOfUnloadsSharesCollections() throws Exception {
        // Unloads 20 ms apart, longer than the 1 ms quiet period, and a collection that takes
        // 30 ms: without the spacing every unload would get a collection of its own.
        AtomicInteger collections = new AtomicInteger();
        try (LoaderVerifier verifier = new LoaderVerifier(8, Duration.ofSeconds(30), Duration.ofMillis(1), () -> {
            collections.incrementAndGet();
            long end = System.nanoTime() + 30 * MS;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            System.gc();
        })) {
            long start = System.nanoTime();
            List<CompletableFuture<Boolean>> verdicts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                verdicts.add(verifier.watch(new Object()));
                long next = System.nanoTime() + 20 * MS;
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
            }
            for (CompletableFuture<Boolean> v : verdicts) {
                assertThat(v.get(1, TimeUnit.MINUTES)).isTrue();
            }
            long elapsedMs = (System.nanoTime() - start) / MS;
            // n collections of at least 30 ms, each followed by at least 30 ms before the next,
            // fit in the elapsed time only if n <= (elapsed + 30) / 60, however loaded the machine.
            // One collection per unload (12 in about 300 ms) would break it.
            assertThat(collections.get()).as("collections in %d ms", elapsedMs)
                    .isBetween(1, (int) ((elapsedMs + 30) / 60));
        }
    }

    @Test
    void aBurstOfUnloadsIsProvedByOneCollection() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        // A quiet period of seconds: the 50 watches below, microseconds apart, are one burst.
        try (LoaderVerifier verifier = new LoaderVerifier(8, Duration.ofSeconds(30), Duration.ofSeconds(1), () -> {
            collections.incrementAndGet();
            System.gc();
        })) {
            List<CompletableFuture<Boolean>> verdicts = new ArrayList<>();
            int longGaps = 0; // pauses of a second or more between two watches: each may end a burst
            long last = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                verdicts.add(verifier.watch(new Object()));
                long now = System.nanoTime();
                if (now - last >= TimeUnit.SECONDS.toNanos(1)) {
                    longGaps++;
                }
                last = now;
            }
            for (CompletableFuture<Boolean> v : verdicts) {
                assertThat(v.get(1, TimeUnit.MINUTES)).isTrue();
            }
            // One collection per burst: 1 on any machine that did not stall for a second between
            // two of these calls, and never one per unload.
            assertThat(collections.get()).isBetween(1, 1 + longGaps);
            assertThat(verifier.collections()).isEqualTo(collections.get());
            assertThat(verifier.pendingCount()).isZero();
        }
    }

    @Test
    void aLoaderThatStaysReachableGetsOneCollectionPerBackoffAndThenAVerdict() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        Object alive = new Object();
        try (LoaderVerifier verifier = new LoaderVerifier(3, Duration.ofMillis(250), Duration.ofMillis(1),
                collections::incrementAndGet)) {
            CompletableFuture<Boolean> verdict = verifier.watch(alive);
            assertThat(verdict.get(1, TimeUnit.MINUTES)).isFalse();
            // Each collection counted: none was wasted between the backoffs (50 ms, 100 ms).
            assertThat(collections).hasValue(3);
        }
        assertThat(alive).isNotNull();
    }

    @Test
    void aQuietPeriodLongerThanTheWindowIsRefused() {
        assertThatThrownBy(() -> new LoaderVerifier(1, Duration.ofMillis(5), Duration.ofMillis(10), () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quiet");
    }
}
