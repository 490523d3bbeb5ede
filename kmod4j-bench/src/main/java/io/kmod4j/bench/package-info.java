/**
 * JMH benchmarks of kmod4j's primitives. Every figure is a ratio against a JDK peer measured in
 * the same run, declared once with {@link io.kmod4j.bench.Figure} on the benchmark method; each
 * class's javadoc says what it measures, against which peer, the target and the command that
 * reproduces it.
 *
 * <ul>
 *   <li>{@link io.kmod4j.bench.CompletionRoundTrip} ({@code ...Platform}, {@code ...Virtual}):
 *       complete-to-waiter round trip vs park/unpark, CountDownLatch, fair Semaphore.
 *   <li>{@link io.kmod4j.bench.CompletionFastPath}: uncontended {@code isDone()} and
 *       {@code tryAwait()} vs a volatile read and AtomicInteger CAS.
 *   <li>{@link io.kmod4j.bench.KThreadLifecycle}: {@code KThread.run} + {@code stop()} vs
 *       {@code Thread.start} + {@code join()}, platform and virtual.
 * </ul>
 *
 * <p>Run everything with {@code ./build bench}, then {@code ./build bench --report} to rewrite
 * {@code docs/benchmarks.md} from {@code kmod4j-bench/target/jmh-result.json}.
 */
package io.kmod4j.bench;
