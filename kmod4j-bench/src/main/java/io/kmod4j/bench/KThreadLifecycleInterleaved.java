package io.kmod4j.bench;

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
 * second: one benchmark operation is a block of kthread lives and a block of as many plain thread
 * lives, each timed on its own, in alternating order ({@link BlockPair}): {@value #VIRTUAL_BLOCK} lives a block for
 * virtual threads, {@value #PLATFORM_BLOCK} for platform threads. Both blocks run
 * {@link KThreadLifecycle}'s own methods. See {@link CompletionRoundTripInterleaved} for why a
 * target of a few percent needs this on a shared machine; the figures are the secondary metrics
 * {@code kthreadNs} and {@code threadNs} over {@code lives}, read through {@link Interleaved}.
 *
 * <p><b>Why blocks this long.</b> Going from one side to the other costs something, and that cost
 * is spread over one block. With blocks of 64 virtual lives on one carrier the ratio came out
 * 1.02x in one run and 1.11x in the next; with 2,000 it was 1.15x, as in {@code PairedRuns} with
 * rounds of 5,000 (1.13x to 1.16x the same morning): short blocks measured the switch as much as
 * the lives, and made the plain life look dearer than it is. A block here lasts 3 to 40 ms.
 *
 * <p><b>Threads.</b> Each subclass has a {@code @Param kind}, the kind of the started threads as
 * in {@link KThreadLifecycle}, and says what the benchmark thread that starts and stops them is:
 * a platform thread in {@link KThreadLifecycleInterleavedPlatform}, a virtual one in
 * {@link KThreadLifecycleInterleavedVirtual}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class KThreadLifecycleInterleaved {

    /** Lives per block of virtual threads: 3 to 6 ms when a virtual thread starts them, about 40 ms when a platform thread does. */
    static final int VIRTUAL_BLOCK = 5_000;

    /** Lives per block of platform threads: about 10 ms. */
    static final int PLATFORM_BLOCK = 64;

    private final KThreadLifecycle lives = new KThreadLifecycle();

    /** The subclass's {@code @Param kind}. */
    abstract String kind();

    private int block;

    @Setup
    public void setUp() {
        lives.kind = kind();
        lives.setUp();
        block = "virtual".equals(kind()) ? VIRTUAL_BLOCK : PLATFORM_BLOCK;
    }

    /** The two sides' times in one iteration: reset before each, read by JMH after it. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long kthreadNs;
        public long threadNs;
        public long lives;
        final BlockPair blocks = new BlockPair();

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
    public void interleaved(Times t) throws Exception {
        t.blocks.run(n -> kthreads(lives, n), n -> threads(lives, n), block);
        t.kthreadNs += t.blocks.oursNs();
        t.threadNs += t.blocks.peerNs();
        t.lives += block;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static void kthreads(KThreadLifecycle lives, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            lives.kthreadRunStop();
        }
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static void threads(KThreadLifecycle lives, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            lives.threadStartJoin();
        }
    }
}
