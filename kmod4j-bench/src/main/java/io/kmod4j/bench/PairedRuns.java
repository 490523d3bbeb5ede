package io.kmod4j.bench;

import io.kmod4j.KernelException;
import io.kmod4j.internal.Ownership;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second opinion on the two virtual-thread targets: Completion's round trip against park/unpark
 * and {@code KThread.run} + {@code stop()} against {@code Thread.start} + {@code join()}. Not a JMH
 * benchmark, on purpose. The targets themselves are judged by JMH classes that interleave both
 * sides the same way ({@link CompletionRoundTripInterleaved}, {@link KThreadLifecycleInterleaved},
 * decision 0014); this harness came first, runs in seconds, and prices single steps ({@code step-*}).
 *
 * <p><b>Why.</b> On virtual threads a round trip takes either about 1 µs (both sides on one
 * carrier) or about 3 µs (across carriers), and a JMH fork tends to stay in one regime for seconds;
 * JMH runs one benchmark's forks after another's, so the ratio of two medians of separate
 * benchmarks compares regimes as much as code. Here the two sides alternate in short rounds in one JVM (rounds of {@code n}
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
 * <p><b>Pricing a kthread's extra steps.</b> {@code step-ownership}, {@code step-bind1},
 * {@code step-bind2}, {@code step-counter} and {@code step-alloc} each pair a plain virtual
 * thread's life with the same life plus one thing a kthread's life does and a plain thread's does
 * not: the owner lookup before the start, one or two {@code ScopedValue} bindings in the thread,
 * an increment before and a decrement in the thread of a shared counter (the kernel owner's
 * thread count), and 200 more bytes allocated. One step per JVM, so that the JIT sees two lives
 * only, as in {@code kthread}; the difference of the two medians is the step's price.
 *
 * <p><b>Reproduce</b> (after {@code ./build bench -l} or any {@code ./build bench} has built the
 * jar):
 * <pre>
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns roundtrip 200 10000
 * java -Djdk.virtualThreadScheduler.parallelism=1 -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns roundtrip 200 10000
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns kthread 200 5000
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns kthread 100 2000 platform
 * java -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns aa 200 5000
 * java -Djdk.virtualThreadScheduler.parallelism=1 -cp kmod4j-bench/target/benchmarks.jar io.kmod4j.bench.PairedRuns step-bind2 150 5000
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

    private static final List<String> COMPARISONS = List.of("roundtrip", "kthread", "aa",
            "step-ownership", "step-bind1", "step-bind2", "step-counter", "step-alloc");

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !args[3].equals("platform"))
                || !COMPARISONS.contains(args[0])) {
            usage("expected " + String.join("|", COMPARISONS) + " ROUNDS OPS_PER_ROUND [platform], got "
                    + List.of(args));
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
                    default -> {
                        Step step = Step.valueOf(what.substring("step-".length()).toUpperCase(Locale.ROOT));
                        compare("a plain thread's life with one kthread step", "plain", plainLife(Step.NONE),
                                "plain+" + step.name().toLowerCase(Locale.ROOT), plainLife(step), rounds, n);
                    }
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
        System.err.println("usage: PairedRuns " + String.join("|", COMPARISONS) + " ROUNDS OPS_PER_ROUND [platform]");
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
        double[] extra = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            ours.run(n);
            long t1 = System.nanoTime();
            peer.run(n);
            long t2 = System.nanoTime();
            oursNs[i] = (t1 - t0) / (double) n;
            peerNs[i] = (t2 - t1) / (double) n;
            ratio[i] = oursNs[i] / peerNs[i];
            extra[i] = oursNs[i] - peerNs[i];
        }
        Arrays.sort(oursNs);
        Arrays.sort(peerNs);
        Arrays.sort(ratio);
        Arrays.sort(extra);
        String scheduler = System.getProperty("jdk.virtualThreadScheduler.parallelism", "default");
        System.out.printf(Locale.ROOT, "%s (carriers: %s, driven by a %s thread, %d rounds of %d)%n", title, scheduler,
                Thread.currentThread().isVirtual() ? "virtual" : "platform", rounds, n);
        System.out.printf(Locale.ROOT, "  %-16s median %,8.0f ns/op%n", oursName, oursNs[rounds / 2]);
        System.out.printf(Locale.ROOT, "  %-16s median %,8.0f ns/op%n", peerName, peerNs[rounds / 2]);
        System.out.printf(Locale.ROOT, "  ratio per round: median %.3f, quartiles %.3f ... %.3f%n",
                ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        System.out.printf(Locale.ROOT, "  difference per round: median %+,.0f ns/op, quartiles %+,.0f ... %+,.0f%n",
                extra[rounds / 2], extra[rounds / 4], extra[3 * rounds / 4]);
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

    // ------------------------------------------------------------------ a kthread's steps, one at a time

    /** What a kthread's life adds to a plain thread's, one at a time ({@code NONE}: the baseline). */
    private enum Step { NONE, OWNERSHIP, BIND1, BIND2, COUNTER, ALLOC }

    private static final ScopedValue<Object> FIRST = ScopedValue.newInstance();
    private static final ScopedValue<Object> SECOND = ScopedValue.newInstance();
    private static final AtomicInteger COUNTED = new AtomicInteger();
    private static volatile Object sink;

    /** {@link KThreadLifecycle#threadStartJoin}'s life on a virtual thread, plus {@code step}. */
    private static Side plainLife(Step step) {
        Thread.Builder threads = Thread.ofVirtual().name("plain-life");
        Runnable nothing = () -> { };
        return n -> {
            for (int i = 0; i < n; i++) {
                switch (step) {
                    case OWNERSHIP -> sink = Ownership.current(); // what KThread.run asks first
                    case ALLOC -> sink = new byte[184];            // 200 bytes with the array header
                    case COUNTER -> COUNTED.incrementAndGet();      // the kernel owner's adopt()
                    default -> { }
                }
                CountDownLatch ran = new CountDownLatch(1);
                Thread t = threads.start(() -> {
                    switch (step) {
                        case BIND1 -> ScopedValue.where(FIRST, ran).run(nothing);
                        case BIND2 -> ScopedValue.where(FIRST, ran).where(SECOND, threads).run(nothing);
                        case COUNTER -> COUNTED.decrementAndGet(); // and its release()
                        default -> { }
                    }
                    ran.countDown();
                });
                ran.await();
                t.join();
            }
        };
    }
}
