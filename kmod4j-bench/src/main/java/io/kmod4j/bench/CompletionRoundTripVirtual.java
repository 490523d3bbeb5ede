package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link CompletionRoundTrip} with both threads on virtual threads: JMH's worker runs virtual
 * ({@code -Djmh.executor=VIRTUAL}, JMH 1.37) and the partner is started as a virtual thread too;
 * see {@link CompletionRoundTrip} for what is measured, the peers and the target.
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTripVirtual -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@Fork(jvmArgsAppend = "-Djmh.executor=VIRTUAL")
public class CompletionRoundTripVirtual extends CompletionRoundTrip {
}
