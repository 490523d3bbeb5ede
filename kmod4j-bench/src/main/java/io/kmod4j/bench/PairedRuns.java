package io.kmod4j.bench;

import io.kmod4j.KernelException;
import io.kmod4j.kthread.KThread;
import io.kmod4j.sync.Completion;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A second opinion on the two virtual-thread targets that JMH cannot resolve on a shared two-core
 * machine: Completion's round trip against park/unpark and {@code KThread.run} + {@code stop()}
 * against {@code Thread.start} + {@code join()}. Not a JMH benchmark, on purpose.
 *
 * <p><b>Why.</b> On virtual threads a round trip takes either about 1 µs (both sides on one
 * carrier) or about 3 µs (across carriers), and a JMH fork tends to stay in one regime for seconds;
 * JMH runs one benchmark's forks after another's, so the ratio of two medians compares regimes as
 * much as code. Here the two sides alternate in short rounds in one JVM (rounds of {@code n}
 * operations each, after 20 warm-up rounds of each), and the figure is the median over rounds of
 * the per-round ratio, with its quartiles. Slow drifts (the machine's load, the regime) hit both
 * sides of a round alike.
 *
 * <p><b>Two schedulers.</b> The default virtual-thread scheduler (one carrier per core) and, with
 * {@code -Djdk.virtualThreadScheduler.parallelism=1}, one carrier: then every hand-off is a
 * continuation switch on one core and the ratio is the CPU cost of the mechanism itself. The
 * driving thread is virtual too, unless a fourth argument {@code platform} makes it a platform
 * thread, as JMH's benchmark thread is in {@link KThreadLifecycle}.
 *
 * <p><b>Sanity check.</b> {@code aa} runs the peer against itself; its ratio must come out at 1.0
 * within its quartiles, or the harness is biased.
 *
 * <p><b>Reproduce</b> (after {@code ./build bench -l} or any {@code ./build bench} has built the
 * jar):
 * <pre>
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns roundtrip 200 10000
 * java -Djdk.virtualThreadScheduler.parallelism=1 -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns roundtrip 200 10000
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns kthread 200 5000
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns kthread 100 2000 platform
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns aa 200 5000
 * </pre>
 * with JDK 25 selected ({@code . scripts/jdk25.sh && kmod4j_select_jdk25}).
 */
public final class PairedRuns {

    private PairedRuns() {}

    /** One side of a pair: runs {@code n} operations. */
    @FunctionalInterface
    interface Side {
        void run(int n) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !args[3].equals("platform"))) {
            System.err.println("usage: PairedRuns roundtrip|kthread|aa ROUNDS OPS_PER_ROUND [platform]");
            System.exit(2);
        }
        String what = args[0];
        int rounds = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        Throwable[] failed = new Throwable[1];
        Thread.Builder drivers = args.length == 4 ? Thread.ofPlatform() : Thread.ofVirtual();
        Thread driver = drivers.name("paired-driver").start(() -> {
            try {
                switch (what) {
                    case "roundtrip" -> compare("Completion round trip", "parkUnpark", new ParkPair()::roundTrips,
                            "completion", new CompletionPair()::roundTrips, rounds, n);
                    case "kthread" -> compare("one-shot thread life", "threadStartJoin", PairedRuns::threadStartJoin,
                            "kthreadRunStop", PairedRuns::kthreadRunStop, rounds, n);
                    case "aa" -> compare("sanity: the peer against itself", "threadStartJoin", PairedRuns::threadStartJoin,
                            "threadStartJoin", PairedRuns::threadStartJoin, rounds, n);
                    default -> throw new IllegalArgumentException("unknown comparison: " + what);
                }
            } catch (Throwable t) {
                failed[0] = t;
            }
        });
        driver.join();
        if (failed[0] != null) {
            failed[0].printStackTrace();
            System.exit(1);
        }
        System.exit(0); // the round-trip partners never end on their own
    }

    private static void compare(String title, String peerName, Side peer, String oursName, Side ours,
            int rounds, int n) throws Exception {
        for (int i = 0; i < 20; i++) {
            ours.run(n);
            peer.run(n);
        }
        double[] oursNs = new double[rounds];
        double[] peerNs = new double[rounds];
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            ours.run(n);
            long t1 = System.nanoTime();
            peer.run(n);
            long t2 = System.nanoTime();
            oursNs[i] = (t1 - t0) / (double) n;
            peerNs[i] = (t2 - t1) / (double) n;
            ratio[i] = oursNs[i] / peerNs[i];
        }
        Arrays.sort(oursNs);
        Arrays.sort(peerNs);
        Arrays.sort(ratio);
        String scheduler = System.getProperty("jdk.virtualThreadScheduler.parallelism", "default");
        System.out.printf(Locale.ROOT, "%s (carriers: %s, driven by a %s thread, %d rounds of %d)%n", title, scheduler,
                Thread.currentThread().isVirtual() ? "virtual" : "platform", rounds, n);
        System.out.printf(Locale.ROOT, "  %-16s median %,8.0f ns/op%n", oursName, oursNs[rounds / 2]);
        System.out.printf(Locale.ROOT, "  %-16s median %,8.0f ns/op%n", peerName, peerNs[rounds / 2]);
        System.out.printf(Locale.ROOT, "  ratio per round: median %.3f, quartiles %.3f ... %.3f%n",
                ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
    }

    // ------------------------------------------------------------------ thread lives

    private static final KThread.Builder KTHREADS = KThread.builder("paired-kthread").virtual(true);
    private static final Thread.Builder THREADS = Thread.ofVirtual().name("paired-thread");

    private static void kthreadRunStop(int n) throws KernelException, InterruptedException {
        for (int i = 0; i < n; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            KThread k = KTHREADS.run(() -> {
                ran.countDown();
                return 7;
            });
            ran.await();
            if (k.stop() != 7) {
                throw new IllegalStateException("stop() did not return the function's result");
            }
        }
    }

    private static void threadStartJoin(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            Thread t = THREADS.start(ran::countDown);
            ran.await();
            t.join();
        }
    }

    // ------------------------------------------------------------------ round trips

    /** Two completions and a partner that answers each ping with a pong, as in CompletionRoundTrip. */
    private static final class CompletionPair {
        final Completion ping = new Completion();
        final Completion pong = new Completion();

        CompletionPair() {
            Thread.ofVirtual().name("paired-completion-partner").start(() -> {
                for (;;) {
                    ping.awaitUninterruptibly();
                    pong.complete();
                }
            });
        }

        void roundTrips(int n) {
            for (int i = 0; i < n; i++) {
                ping.complete();
                pong.awaitUninterruptibly();
            }
        }
    }

    /** The bare hand-off: a volatile turn and park/unpark, as CompletionRoundTrip's peer. */
    private static final class ParkPair {
        private volatile long turn; // odd: the partner's turn; even: the caller's
        private Thread caller;      // written before turn, so published by it
        private volatile Thread partner;

        ParkPair() {
            Thread.ofVirtual().name("paired-park-partner").start(() -> {
                partner = Thread.currentThread();
                for (long mine = 1; ; mine += 2) {
                    while (turn != mine) {
                        LockSupport.park(this);
                    }
                    turn = mine + 1;
                    LockSupport.unpark(caller);
                }
            });
            while (partner == null) {
                Thread.yield(); // with one carrier the partner runs only if we let it
            }
        }

        void roundTrips(int n) {
            for (int i = 0; i < n; i++) {
                long back = turn + 2;
                caller = Thread.currentThread();
                turn = back - 1;
                LockSupport.unpark(partner);
                while (turn != back) {
                    LockSupport.park(this);
                }
            }
        }
    }
}
