package io.kmod4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * {@link CompletionRoundTripLatencyPlatform} with both threads virtual
 * ({@code -Djmh.executor=VIRTUAL}): percentiles of single round trips, drawn into
 * {@code docs/bench-completion-latency.png}.
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTripLatency -f 2 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Djmh.executor=VIRTUAL")
public class CompletionRoundTripLatencyVirtual extends CompletionRoundTrip {
}
