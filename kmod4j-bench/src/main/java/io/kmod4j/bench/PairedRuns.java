package io.kmod4j.bench;

import io.kmod4j.KernelException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
 * <p><b>Same code as JMH.</b> Each side is the JMH class's own: {@link KThreadLifecycle}'s
 * {@code kthreadRunStop} and {@code threadStartJoin} (kind {@code virtual}), and
 * {@link CompletionRoundTrip}'s completion pair and park/unpark pair; only the timing differs.
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
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !args[3].equals("platform"))
                || !List.of("roundtrip", "kthread", "aa").contains(args[0])) {
            usage("expected roundtrip|kthread|aa ROUNDS OPS_PER_ROUND [platform], got " + List.of(args));
        }
        String what = args[0];
        int rounds = positive("ROUNDS", args[1]);
        int n = positive("OPS_PER_ROUND", args[2]);
        Throwable[] failed = new Throwable[1];
        Thread.Builder drivers = args.length == 4 ? Thread.ofPlatform() : Thread.ofVirtual();
        Thread driver = drivers.name("paired-driver").start(() -> {
            try {
                switch (what) {
                    case "roundtrip" -> compare("Completion round trip", "parkUnpark", parkRoundTrips(),
                            "completion", completionRoundTrips(), rounds, n);
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

    private static int positive(String field, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        usage(field + " must be a positive whole number, got '" + text + "'");
        return 0; // not reached
    }

    private static void usage(String problem) {
        System.err.println("PairedRuns: " + problem);
        System.err.println("usage: PairedRuns roundtrip|kthread|aa ROUNDS OPS_PER_ROUND [platform]");
        System.exit(2);
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

    // ------------------------------------------------------------------ the JMH classes' own code

    /** The same kthread and thread lives as {@link KThreadLifecycle}, on virtual threads. */
    private static final KThreadLifecycle LIVES = lives();

    private static KThreadLifecycle lives() {
        KThreadLifecycle lives = new KThreadLifecycle();
        lives.kind = "virtual";
        lives.setUp();
        return lives;
    }

    private static void kthreadRunStop(int n) throws KernelException, InterruptedException {
        for (int i = 0; i < n; i++) {
            LIVES.kthreadRunStop();
        }
    }

    private static void threadStartJoin(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            LIVES.threadStartJoin();
        }
    }

    /** {@link CompletionRoundTrip}'s completion pair, its partner started on the caller's kind of thread. */
    private static Side completionRoundTrips() {
        CompletionRoundTrip.CompletionPair pair = new CompletionRoundTrip.CompletionPair();
        pair.setUp();
        return n -> {
            for (int i = 0; i < n; i++) {
                pair.ping.complete();
                pair.pong.awaitUninterruptibly();
            }
        };
    }

    /** {@link CompletionRoundTrip}'s park/unpark peer. */
    private static Side parkRoundTrips() {
        CompletionRoundTrip.ParkPair pair = new CompletionRoundTrip.ParkPair();
        pair.setUp();
        return n -> {
            for (int i = 0; i < n; i++) {
                pair.roundTrip();
            }
        };
    }
}
