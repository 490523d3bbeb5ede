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

    @Test
    void aFreshLoaderIsDueWhenItsBurstEndsOrItsWindowIsOver() {
        LoaderVerifier.Pending early = new LoaderVerifier.Pending(new Object(), 0);
        LoaderVerifier.Pending late = new LoaderVerifier.Pending(new Object(), 40 * MS);
        // Last arrival at 40 ms, quiet 10 ms: the burst ended at 50 ms, before early's window (250 ms).
        assertThat(LoaderVerifier.dueAt(List.of(early, late), 40 * MS, 10 * MS, 250 * MS)).isEqualTo(50 * MS);
        // Arrivals kept coming until 245 ms: early's window (250 ms) ends first.
        assertThat(LoaderVerifier.dueAt(List.of(early, late), 245 * MS, 10 * MS, 250 * MS)).isEqualTo(250 * MS);
    }

    @Test
    void aSurvivorIsDueWhenItsBackoffIsOver() {
        LoaderVerifier.Pending survivor = new LoaderVerifier.Pending(new Object(), 0);
        survivor.collectionsSeen = 1;
        survivor.nextCountAt = 300 * MS;
        assertThat(LoaderVerifier.dueAt(List.of(survivor), 0, 10 * MS, 250 * MS)).isEqualTo(300 * MS);
        assertThat(LoaderVerifier.dueAt(List.of(), 0, 10 * MS, 250 * MS)).isEqualTo(Long.MAX_VALUE);
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
            for (int i = 0; i < 50; i++) {
                verdicts.add(verifier.watch(new Object()));
            }
            for (CompletableFuture<Boolean> v : verdicts) {
                assertThat(v.get(1, TimeUnit.MINUTES)).isTrue();
            }
            assertThat(collections).hasValue(1);
            assertThat(verifier.collections()).isEqualTo(1);
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
