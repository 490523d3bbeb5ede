package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link CompletionRoundTripInterleaved} on virtual threads that all share one carrier
 * ({@code -Djdk.virtualThreadScheduler.parallelism=1}): every hand-off is then a continuation
 * switch on one core, with no carrier ever idle, so the ratio is what each mechanism costs in CPU
 * and nothing else. With two carriers ({@link CompletionRoundTripInterleavedVirtual}) a fork also
 * settles in a fast or a slow regime for seconds, depending on whether the two sides end up on one
 * carrier or on two.
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTripInterleavedOneCarrier -f 3 -wi 3 -w 1s -i 8 -r 1s}
 */
@Fork(jvmArgsAppend = {"-Djmh.executor=VIRTUAL", "-Djdk.virtualThreadScheduler.parallelism=1"})
public class CompletionRoundTripInterleavedOneCarrier extends CompletionRoundTripInterleaved {
}
