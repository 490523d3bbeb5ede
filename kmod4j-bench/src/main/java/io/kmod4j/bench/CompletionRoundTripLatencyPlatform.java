package io.kmod4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The latency distribution of {@link CompletionRoundTrip} on platform threads: the same exchanges
 * and peers, but JMH times every single round trip ({@link Mode#SampleTime}) and reports its
 * percentiles, where {@link CompletionRoundTripPlatform} reports the mean. The report draws
 * p50 to p99.99 of every mechanism into {@code docs/bench-completion-latency.png} and lists them;
 * these results give no ratio figure of their own (the means already do).
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTripLatency -f 2 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Djmh.executor=PLATFORM")
public class CompletionRoundTripLatencyPlatform extends CompletionRoundTrip {
}
