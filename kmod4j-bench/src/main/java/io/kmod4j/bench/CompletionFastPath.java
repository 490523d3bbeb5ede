package io.kmod4j.bench;

import io.kmod4j.sync.Completion;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Completion's uncontended fast paths, one thread, nobody waiting: {@code isDone()} against a
 * volatile read and {@code tryAwait()} against the {@link AtomicInteger} compare-and-set that any
 * counting primitive needs. These are the costs a driver pays when it polls a completion or takes
 * a token that is already there.
 *
 * <p><b>Pairings</b> (each pair does the same logical work; declared with {@link Figure}):
 * <ul>
 *   <li>{@link #isDone} vs {@link #volatileRead}: {@code completion_done} on a completion holding a
 *       token, against reading a {@code volatile int} and comparing it with zero. Target: at most
 *       2x.
 *   <li>{@link #completeThenTryAwait} vs {@link #incrementThenCasDecrement}: a full token cycle,
 *       one {@code complete()} then one {@code tryAwait()} that takes the token, against
 *       {@code incrementAndGet()} then a read + {@code compareAndSet(v, v - 1)} decrement-if-positive
 *       (what a semaphore's {@code tryAcquire} does). Both do two atomic read-modify-writes. Target:
 *       at most 1.5x.
 *   <li>{@link #tryAwaitEmpty} vs {@link #casDecrementEmpty}: a {@code tryAwait()} that fails on an
 *       empty completion, against the same decrement-if-positive on an {@code AtomicInteger} at
 *       zero: both are one volatile read that sees zero. Target: at most 1.5x.
 *   <li>{@link #tryAwaitSticky} vs {@link #casDecrementPlenty}: {@code tryAwait()} on a completion
 *       made sticky by {@code completeAll()} (succeeds without taking anything), against a
 *       decrement-if-positive that succeeds, a volatile read plus a CAS. The counter is an
 *       {@link AtomicLong} started at {@code Long.MAX_VALUE} so that it can never drain during a
 *       run (a long CAS is the same instruction as an int CAS on x86-64 and aarch64). Target: at
 *       most 1.5x.
 * </ul>
 *
 * <p>Every method returns its result so that JMH consumes it; nothing is constant-folded because
 * all state is in fields.
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionFastPath -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Djmh.executor=PLATFORM")
@State(Scope.Thread)
public class CompletionFastPath {

    private final Completion holdingToken = new Completion();
    private final Completion cycling = new Completion();
    private final Completion empty = new Completion();
    private final Completion sticky = new Completion();
    private volatile int volatileInt;
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger zero = new AtomicInteger();
    private final AtomicLong plenty = new AtomicLong(Long.MAX_VALUE);

    @Setup
    public void setUp() {
        holdingToken.complete();
        sticky.completeAll();
        volatileInt = 1;
    }

    @Benchmark
    @Figure(peer = "volatileRead", target = 2.0, what = "uncontended isDone() vs a volatile read")
    public boolean isDone() {
        return holdingToken.isDone();
    }

    @Benchmark
    public boolean volatileRead() {
        return volatileInt != 0;
    }

    @Benchmark
    @Figure(peer = "incrementThenCasDecrement", target = 1.5,
            what = "complete() + tryAwait() vs AtomicInteger incrementAndGet() + CAS decrement")
    public boolean completeThenTryAwait() {
        cycling.complete();
        return cycling.tryAwait();
    }

    @Benchmark
    public boolean incrementThenCasDecrement() {
        counter.incrementAndGet();
        return decrementIfPositive(counter);
    }

    @Benchmark
    @Figure(peer = "casDecrementEmpty", target = 1.5,
            what = "tryAwait() failing on an empty completion vs AtomicInteger read finding zero")
    public boolean tryAwaitEmpty() {
        return empty.tryAwait();
    }

    @Benchmark
    public boolean casDecrementEmpty() {
        return decrementIfPositive(zero);
    }

    @Benchmark
    @Figure(peer = "casDecrementPlenty", target = 1.5,
            what = "tryAwait() on a sticky completion vs a successful read + CAS decrement")
    public boolean tryAwaitSticky() {
        return sticky.tryAwait();
    }

    @Benchmark
    public boolean casDecrementPlenty() {
        for (;;) {
            long v = plenty.get();
            if (v == 0) {
                return false;
            }
            if (plenty.compareAndSet(v, v - 1)) {
                return true;
            }
        }
    }

    /** Semaphore.tryAcquire's loop: take one if there is one. */
    private static boolean decrementIfPositive(AtomicInteger a) {
        for (;;) {
            int v = a.get();
            if (v == 0) {
                return false;
            }
            if (a.compareAndSet(v, v - 1)) {
                return true;
            }
        }
    }
}
