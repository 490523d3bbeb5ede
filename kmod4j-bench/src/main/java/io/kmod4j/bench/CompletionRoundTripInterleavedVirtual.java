package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link CompletionRoundTripInterleaved} on virtual threads: JMH's worker runs virtual
 * ({@code -Djmh.executor=VIRTUAL}) and both partners are virtual too. Run it with
 * {@code -Djdk.virtualThreadScheduler.parallelism=1} as well to see the mechanisms' CPU cost alone,
 * every hand-off a continuation switch on one carrier.
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTripInterleavedVirtual -f 3 -wi 3 -w 1s -i 8 -r 1s}
 */
@Fork(jvmArgsAppend = "-Djmh.executor=VIRTUAL")
public class CompletionRoundTripInterleavedVirtual extends CompletionRoundTripInterleaved {
}
