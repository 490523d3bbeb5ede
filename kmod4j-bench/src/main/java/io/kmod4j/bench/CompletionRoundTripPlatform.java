package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link CompletionRoundTrip} with both threads on platform threads; see there for what is
 * measured, the peers and the target.
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTripPlatform -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@Fork(jvmArgsAppend = "-Djmh.executor=PLATFORM")
public class CompletionRoundTripPlatform extends CompletionRoundTrip {
}
