package io.kmod4j.bench;

import io.kmod4j.KernelException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link KThreadLifecycle}'s target figure, {@code KThread.run} + {@code stop()} against
 * {@code Thread.start} + {@code join()}, with both lives measured in the same fork and the same
 * second: one benchmark operation is a block of {@value #BLOCK} kthread lives and a block of
 * {@value #BLOCK} plain thread lives, each timed on its own, in alternating order. Both blocks run
 * {@link KThreadLifecycle}'s own methods. See {@link CompletionRoundTripInterleaved} for why a
 * target of a few percent needs this on a shared machine; the figures are the secondary metrics
 * {@code kthreadNs} and {@code threadNs} over {@code lives}, read through {@link Interleaved}.
 *
 * <p><b>Threads.</b> Each subclass has a {@code @Param kind}, the kind of the started threads as
 * in {@link KThreadLifecycle}, and says what the benchmark thread that starts and stops them is:
 * a platform thread in {@link KThreadLifecycleInterleavedPlatform}, a virtual one in
 * {@link KThreadLifecycleInterleavedVirtual}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class KThreadLifecycleInterleaved {

    /** Lives per block: about a millisecond for platform threads, a few hundred µs for virtual ones. */
    static final int BLOCK = 64;

    private final KThreadLifecycle lives = new KThreadLifecycle();

    /** The subclass's {@code @Param kind}. */
    abstract String kind();

    @Setup
    public void setUp() {
        lives.kind = kind();
        lives.setUp();
    }

    /** The two sides' times in one iteration: reset before each, read by JMH after it. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long kthreadNs;
        public long threadNs;
        public long lives;
        boolean kthreadFirst;

        @Setup(Level.Iteration)
        public void reset() {
            kthreadNs = 0;
            threadNs = 0;
            lives = 0;
        }
    }

    @Benchmark
    @Interleaved(ours = "kthreadNs", peer = "threadNs", count = "lives", target = 1.1,
            what = "KThread.run + stop() vs Thread.start + join(), trivial function run to completion, interleaved in one fork")
    public void interleaved(Times t) throws KernelException, InterruptedException {
        boolean kthreadFirst = t.kthreadFirst = !t.kthreadFirst;
        long t0 = System.nanoTime();
        if (kthreadFirst) {
            kthreads(lives);
        } else {
            threads(lives);
        }
        long t1 = System.nanoTime();
        if (kthreadFirst) {
            threads(lives);
        } else {
            kthreads(lives);
        }
        long t2 = System.nanoTime();
        t.kthreadNs += kthreadFirst ? t1 - t0 : t2 - t1;
        t.threadNs += kthreadFirst ? t2 - t1 : t1 - t0;
        t.lives += BLOCK;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static void kthreads(KThreadLifecycle lives) throws KernelException, InterruptedException {
        for (int i = 0; i < BLOCK; i++) {
            lives.kthreadRunStop();
        }
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static void threads(KThreadLifecycle lives) throws InterruptedException {
        for (int i = 0; i < BLOCK; i++) {
            lives.threadStartJoin();
        }
    }
}
