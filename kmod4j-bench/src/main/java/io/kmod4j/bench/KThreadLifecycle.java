package io.kmod4j.bench;

import io.kmod4j.KernelException;
import io.kmod4j.internal.Ownership;
import io.kmod4j.kthread.KThread;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole life of a one-shot kthread, {@code KThread.run} then {@code stop()}, against the
 * whole life of a plain Java thread, {@code Thread.start} then {@code join()}: what kmod4j's
 * ownership, should-stop/park protocol and never-dangling handle cost per thread.
 *
 * <p><b>Fair pairing.</b> A {@code stop()} issued right after {@code run()} may win the race with
 * the first run and return {@code -EINTR} without running the function (Linux semantics), which
 * would make kmod4j look cheaper than it is. So both sides run a trivial function to completion:
 * the function counts down a fresh {@link CountDownLatch}, the benchmark thread waits on it, and
 * only then stops ({@link #kthreadRunStop}) or joins ({@link #threadStartJoin}) the thread. The
 * latch wait is the same on both sides; what differs is {@code KThread.run} + {@code stop()} versus
 * {@code Thread.Builder.start} + {@code join()}. {@code kthreadRunStop} returns the function's
 * result from {@code stop()}, so a wrong result would show up as an error.
 *
 * <p><b>Threads.</b> {@code @Param kind}: {@code platform} (daemon platform threads, KThread's
 * default) or {@code virtual} ({@code KThread.builder(name).virtual(true)} against
 * {@code Thread.ofVirtual()}). The benchmark thread itself is a platform thread.
 *
 * <p><b>Target</b> (from the issue): {@code kthreadRunStop} at most 1.1x {@code threadStartJoin},
 * for each kind. It is judged by {@link KThreadLifecycleInterleaved}, which runs these same two
 * methods in alternating blocks within each iteration of one fork; here each method has forks of
 * its own, one after the other, whose iterations spread from 2.5 to 26 µs on a shared two-core
 * machine, so the ratios of this class are reported for information (decision 0014).
 *
 * <p><b>Reproduce:</b> {@code ./build bench KThreadLifecycle -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Djmh.executor=PLATFORM")
@State(Scope.Thread)
public class KThreadLifecycle {

    static final int RESULT = 7;

    @Param({"platform", "virtual"})
    public String kind;

    private KThread.Builder kthreads;
    private Thread.Builder threads;

    @Setup
    public void setUp() {
        boolean virtual = switch (kind) {
            case "platform" -> false;
            case "virtual" -> true;
            default -> throw new IllegalArgumentException("kind must be platform or virtual: " + kind);
        };
        kthreads = KThread.builder("bench-kthread").virtual(virtual);
        threads = virtual ? Thread.ofVirtual().name("bench-thread")
                : Thread.ofPlatform().name("bench-thread").daemon(true);
    }

    @Benchmark
    @Figure(peer = "threadStartJoin",
            what = "KThread.run + stop() vs Thread.start + join(), trivial function run to completion, forks one after the other")
    public int kthreadRunStop() throws KernelException, InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        KThread k = kthreads.run(() -> {
            ran.countDown();
            return RESULT;
        });
        ran.await();
        int result = k.stop();
        if (result != RESULT) {
            throw new IllegalStateException("stop() returned " + result + ", expected " + RESULT);
        }
        return result;
    }

    /**
     * Diagnostic, not a target: the same life, but the benchmark thread joins the kthread's Java
     * thread itself before calling {@code stop()}, which then finds the thread exited and returns
     * at once (no interrupt, no wait). Against {@link #threadStartJoin} it shows what creating and
     * running a kthread costs; against {@link #kthreadRunStop} it shows what {@code stop()}'s own
     * waiting costs.
     */
    @Benchmark
    @Figure(peer = "threadStartJoin",
            what = "diagnostic: KThread.run + join of its Java thread + stop() on the exited kthread vs Thread.start + join()")
    @Figure(peer = "kthreadRunStop",
            what = "diagnostic: the same vs KThread.run + stop(): what stop()'s own waiting costs")
    public int kthreadRunJoinThenStop() throws KernelException, InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Thread[] javaThread = new Thread[1];
        KThread k = kthreads.run(() -> {
            javaThread[0] = Thread.currentThread();
            ran.countDown();
            return RESULT;
        });
        ran.await();
        javaThread[0].join();
        int result = k.stop();
        if (result != RESULT) {
            throw new IllegalStateException("stop() returned " + result + ", expected " + RESULT);
        }
        return result;
    }

    /**
     * Diagnostic: what finding the owner of a new kthread costs when no module is bound to the
     * calling thread, as for host code: a stack walk to the first frame outside kmod4j-api
     * ({@code io.kmod4j.internal.Ownership.current()}, not API). No peer.
     */
    @Benchmark
    public Object ownershipLookup() {
        return Ownership.current();
    }

    @Benchmark
    public int threadStartJoin() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Thread t = threads.start(ran::countDown);
        ran.await();
        t.join();
        return RESULT;
    }
}
