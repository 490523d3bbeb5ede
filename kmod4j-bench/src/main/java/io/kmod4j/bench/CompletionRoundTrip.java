package io.kmod4j.bench;

import io.kmod4j.sync.Completion;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Completion's complete-to-waiter round trip: how long one thread takes to wake another and be
 * woken back, the cost that {@code complete()} + {@code awaitUninterruptibly()} adds to the bare
 * wake-up that every blocking primitive pays.
 *
 * <p><b>What one operation is.</b> The benchmark thread hands a turn to a partner thread, started
 * once per trial, and blocks until the partner hands it back; so one operation is two wake-ups
 * and two sleeps. Each method does the same exchange with a different mechanism:
 * <ul>
 *   <li>{@link #completion}: two {@link Completion}s, {@code ping} and {@code pong}; each side
 *       calls {@code complete()} on one and {@code awaitUninterruptibly()} on the other.
 *   <li>{@link #parkUnpark}, the peer for the target: the least any blocking hand-off can do, a
 *       volatile turn counter plus {@link LockSupport#park}/{@link LockSupport#unpark}, with the
 *       re-check loop that spurious wake-ups require. No queue, no allocation.
 *   <li>{@link #countDownLatch}: {@link CountDownLatch} cannot be reset, so each round uses a
 *       fresh pair of latches, chained so the partner finds the next round's pair (three small
 *       allocations per round). For information.
 *   <li>{@link #completableFuture}: the same chain of fresh pairs with {@link CompletableFuture}s,
 *       {@code complete(null)} and {@code join()}: what a Java programmer reaches for first to
 *       signal "done" once. For information.
 *   <li>{@link #fairSemaphore}: two fair {@link Semaphore}s, the JDK's fair counting
 *       synchronizer (an AQS in shared mode, the design Completion had until decision 0012). For
 *       information: the gap between it and park/unpark is what a general-purpose queue costs.
 * </ul>
 *
 * <p><b>Threads.</b> {@link CompletionRoundTripPlatform} runs both sides on platform threads;
 * {@link CompletionRoundTripVirtual} runs both on virtual threads (JMH's own worker runs virtual
 * via {@code -Djmh.executor=VIRTUAL}, and the partner is started with the same kind as the
 * worker). On two cores the two sides each get one.
 *
 * <p><b>Target</b> (from the issue): {@code completion} at most 1.05x {@code parkUnpark}, on
 * platform and on virtual threads. It is judged by {@link CompletionRoundTripInterleaved}, which
 * measures the same two pairs in alternating blocks within each iteration of one fork. Here JMH
 * measures each method in forks of its own, one method after the other, and on a shared two-core
 * machine the same method moves by 15 to 30% from fork to fork, so the ratios of this class are
 * reported for information (decision 0014).
 *
 * <p><b>Reproduce:</b> {@code ./build bench CompletionRoundTrip -f 1 -wi 3 -w 1s -i 5 -r 1s}
 * (add {@code -prof gc} to see allocation per round trip).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class CompletionRoundTrip {

    @Benchmark
    @Figure(peer = "parkUnpark",
            what = "Completion complete-to-waiter round trip vs LockSupport park/unpark, forks one after the other")
    @Figure(peer = "countDownLatch", what = "Completion round trip vs a fresh CountDownLatch pair per round")
    @Figure(peer = "completableFuture", what = "Completion round trip vs a fresh CompletableFuture pair per round")
    @Figure(peer = "fairSemaphore", what = "Completion round trip vs fair Semaphore (JDK fair AQS)")
    public void completion(CompletionPair p) {
        p.ping.complete();
        p.pong.awaitUninterruptibly();
    }

    @Benchmark
    public void parkUnpark(ParkPair p) {
        p.roundTrip();
    }

    @Benchmark
    public void countDownLatch(LatchPair p) throws InterruptedException {
        p.roundTrip();
    }

    @Benchmark
    public void completableFuture(FuturePair p) {
        p.roundTrip();
    }

    @Benchmark
    public void fairSemaphore(SemaphorePair p) {
        p.ping.release();
        p.pong.acquireUninterruptibly();
    }

    /** A partner thread of the same kind (platform or virtual) as the benchmark's own thread. */
    abstract static class Partner {
        private Thread partner;
        volatile boolean stopping;

        final void start(Runnable loop) {
            // Under JMH the fork says which kind the benchmark thread must be; PairedRuns sets none.
            String executor = System.getProperty("jmh.executor");
            if (executor != null && "VIRTUAL".equals(executor) != Thread.currentThread().isVirtual()) {
                throw new IllegalStateException("jmh.executor=" + System.getProperty("jmh.executor")
                        + " but the benchmark thread is " + Thread.currentThread());
            }
            Thread.Builder b = Thread.currentThread().isVirtual() ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
            partner = b.name("round-trip-partner").start(loop);
        }

        /** Ends the partner: {@code release} must let it see {@link #stopping}. */
        final void stop(Runnable release) throws InterruptedException {
            stopping = true;
            release.run();
            if (!partner.join(Duration.ofSeconds(10))) {
                throw new IllegalStateException("round-trip partner did not stop: " + partner);
            }
        }
    }

    @State(Scope.Thread)
    public static class CompletionPair extends Partner {
        final Completion ping = new Completion();
        final Completion pong = new Completion();

        @Setup(Level.Trial)
        public void setUp() {
            start(() -> {
                for (;;) {
                    ping.awaitUninterruptibly();
                    if (stopping) {
                        return;
                    }
                    pong.complete();
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop(ping::complete);
        }
    }

    @State(Scope.Thread)
    public static class SemaphorePair extends Partner {
        final Semaphore ping = new Semaphore(0, true);
        final Semaphore pong = new Semaphore(0, true);

        @Setup(Level.Trial)
        public void setUp() {
            start(() -> {
                for (;;) {
                    ping.acquireUninterruptibly();
                    if (stopping) {
                        return;
                    }
                    pong.release();
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop(ping::release);
        }
    }

    @State(Scope.Thread)
    public static class ParkPair extends Partner {
        /** Odd: the partner's turn; even: the benchmark thread's turn. */
        private volatile long turn;
        /** Who to wake for the pong; written before {@code turn}, so published by it. */
        private Thread caller;
        private volatile Thread partnerThread;

        @Setup(Level.Trial)
        public void setUp() {
            start(() -> {
                partnerThread = Thread.currentThread();
                for (long mine = 1; ; mine += 2) {
                    while (turn != mine) {
                        if (stopping) {
                            return;
                        }
                        LockSupport.park(this);
                    }
                    turn = mine + 1;
                    LockSupport.unpark(caller);
                }
            });
            while (partnerThread == null) {
                Thread.yield(); // on a single carrier (PairedRuns) the partner runs only if we let it
            }
        }

        void roundTrip() {
            long back = turn + 2;
            // JMH may run iterations on different threads (virtual executor): record who waits.
            caller = Thread.currentThread();
            turn = back - 1;
            LockSupport.unpark(partnerThread);
            while (turn != back) {
                LockSupport.park(this);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop(() -> LockSupport.unpark(partnerThread));
        }
    }

    @State(Scope.Thread)
    public static class LatchPair extends Partner {
        /** One round's latches; {@code next} is written before {@code ping} opens, so published. */
        static final class Round {
            final CountDownLatch ping = new CountDownLatch(1);
            final CountDownLatch pong = new CountDownLatch(1);
            Round next;
        }

        private Round current = new Round();

        @Setup(Level.Trial)
        public void setUp() {
            Round first = current;
            start(() -> {
                try {
                    for (Round r = first; ; ) {
                        r.ping.await();
                        if (stopping) {
                            return;
                        }
                        Round next = r.next;
                        r.pong.countDown();
                        r = next;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        void roundTrip() throws InterruptedException {
            Round r = current;
            Round next = new Round();
            r.next = next;
            r.ping.countDown();
            r.pong.await();
            current = next;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop(() -> current.ping.countDown());
        }
    }

    @State(Scope.Thread)
    public static class FuturePair extends Partner {
        /** One round's futures; {@code next} is written before {@code ping} completes, so published. */
        static final class Round {
            final CompletableFuture<Void> ping = new CompletableFuture<>();
            final CompletableFuture<Void> pong = new CompletableFuture<>();
            Round next;
        }

        private Round current = new Round();

        @Setup(Level.Trial)
        public void setUp() {
            Round first = current;
            start(() -> {
                for (Round r = first; ; ) {
                    r.ping.join();
                    if (stopping) {
                        return;
                    }
                    Round next = r.next;
                    r.pong.complete(null);
                    r = next;
                }
            });
        }

        void roundTrip() {
            Round r = current;
            Round next = new Round();
            r.next = next;
            r.ping.complete(null);
            r.pong.join();
            current = next;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop(() -> current.ping.complete(null));
        }
    }
}
