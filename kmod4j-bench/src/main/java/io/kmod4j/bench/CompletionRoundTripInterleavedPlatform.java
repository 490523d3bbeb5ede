package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link CompletionRoundTripInterleaved} on platform threads.
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTripInterleavedPlatform -f 3 -wi 3 -w 1s -i 8 -r 1s}
 */
@Fork(jvmArgsAppend = "-Djmh.executor=PLATFORM")
public class CompletionRoundTripInterleavedPlatform extends CompletionRoundTripInterleaved {
}
