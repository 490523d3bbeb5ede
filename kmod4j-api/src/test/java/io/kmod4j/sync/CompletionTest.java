package io.kmod4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompletionTest {

    private static final Duration LONG = Duration.ofMinutes(5);
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void clearInterruptAndJoin() throws InterruptedException {
        Thread.interrupted();
        for (Thread t : threads) {
            t.interrupt();
            t.join(Await.PATIENCE.toMillis());
            assertThat(t.isAlive()).as("helper thread %s ended", t.getName()).isFalse();
        }
    }

    /** Starts a waiter thread; {@code body} runs on it. */
    private Thread start(String name, ThrowingRunnable body) {
        Thread t = Thread.ofPlatform().name(name).start(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                // interrupted by clean-up; the test has already checked what it needed
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        threads.add(t);
        return t;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Nested
    class Counting {
        @Test
        void nCompletesLetExactlyTheFirstNWaitsOfAnyKindThrough() throws InterruptedException {
            Completion c = new Completion();
            for (int i = 0; i < 5; i++) {
                c.complete();
            }
            c.awaitUninterruptibly();
            assertThat(c.awaitUninterruptibly(LONG)).isTrue();
            c.await();
            assertThat(c.await(LONG)).isTrue();
            assertThat(c.tryAwait()).isTrue();

            assertThat(c.isDone()).isFalse();
            assertThat(c.tryAwait()).isFalse();
            assertThat(c.await(Duration.ZERO)).isFalse();
            assertThat(c.awaitUninterruptibly(Duration.ZERO)).isFalse();
        }

        @Test
        void leftoverTokensStayForLaterWaiters() {
            Completion c = new Completion();
            c.complete();
            c.complete();
            c.complete();
            assertThat(c.tryAwait()).isTrue();
            assertThat(c).hasToString("Completion[done=2, waiters=0]");
            assertThat(c.tryAwait()).isTrue();
            assertThat(c.tryAwait()).isTrue();
            assertThat(c.tryAwait()).isFalse();
        }

        @Test
        void aBlockedWaiterIsReleasedByOneCompleteAndTakesTheToken() throws Exception {
            Completion c = new Completion();
            AtomicBoolean returned = new AtomicBoolean();
            Thread t = start("waiter", () -> {
                c.awaitUninterruptibly();
                returned.set(true);
            });
            Await.until("waiter queued", () -> c.queueLength() == 1);
            assertThat(returned).isFalse();
            c.complete();
            t.join();
            assertThat(returned).isTrue();
            assertThat(c.isDone()).as("the waiter took the only token").isFalse();
        }

        @Test
        void completeAllLetsEveryPresentAndFutureWaitThroughWithoutConsuming() throws Exception {
            Completion c = new Completion();
            int waiters = 8;
            CountDownLatch released = new CountDownLatch(waiters);
            for (int i = 0; i < waiters; i++) {
                boolean interruptible = i % 2 == 0;
                start("waiter-" + i, () -> {
                    if (interruptible) {
                        c.await();
                    } else {
                        c.awaitUninterruptibly();
                    }
                    released.countDown();
                });
            }
            Await.until("all queued", () -> c.queueLength() == waiters);
            c.completeAll();
            assertThat(released.await(Await.PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 1000; i++) {
                assertThat(c.tryAwait()).isTrue();
            }
            c.awaitUninterruptibly();
            assertThat(c.await(Duration.ZERO)).isTrue();
            assertThat(c.isDone()).isTrue();
            assertThat(c).hasToString("Completion[done=all, waiters=0]");
        }

        @Test
        void completeAfterCompleteAllAndCompleteAllTwiceChangeNothing() {
            Completion c = new Completion();
            c.completeAll();
            c.completeAll();
            c.complete();
            assertThat(c).hasToString("Completion[done=all, waiters=0]");
            c.reinit();
            assertThat(c.isDone()).isFalse();
            c.complete();
            assertThat(c.tryAwait()).isTrue();
            assertThat(c.tryAwait()).isFalse();
        }

        @Test
        void reinitResetsTheCountOnlyAndLeavesQueuedWaitersQueued() throws Exception {
            Completion c = new Completion();
            c.complete();
            c.complete();
            c.reinit();
            assertThat(c.isDone()).isFalse();
            assertThat(c.tryAwait()).isFalse();

            AtomicBoolean returned = new AtomicBoolean();
            Thread t = start("waiter", () -> {
                c.awaitUninterruptibly();
                returned.set(true);
            });
            Await.until("queued", () -> c.queueLength() == 1);
            c.reinit();
            assertThat(c.queueLength()).isEqualTo(1);
            assertThat(returned).isFalse();
            c.complete();
            t.join();
            assertThat(returned).isTrue();
        }

        @Test
        void reinitAfterCompleteAllMakesWaitsBlockAgain() {
            Completion c = new Completion();
            c.completeAll();
            c.reinit();
            assertThat(c.tryAwait()).isFalse();
            assertThat(c.awaitUninterruptibly(Duration.ofMillis(1))).isFalse();
        }

        @Test
        void aCountThatReachesTheTopBecomesStickyAsUintMaxDoesInLinux() {
            Completion c = new Completion(Completion.PARK_NANOS, Completion.STICKY - 1);
            assertThat(c.tryAwait()).isTrue(); // a normal token
            c.complete();                       // back to STICKY - 1
            c.complete();                       // reaches STICKY: now sticky
            for (int i = 0; i < 10; i++) {
                assertThat(c.tryAwait()).isTrue();
            }
            assertThat(c).hasToString("Completion[done=all, waiters=0]");
        }
    }

    @Nested
    class EndingAWait {
        @Test
        void aPresentTokenWinsEvenWhenTheThreadIsInterrupted() throws InterruptedException {
            Completion c = new Completion();
            c.complete();
            c.complete();
            c.complete();
            c.complete();

            Thread.currentThread().interrupt();
            c.await();
            assertThat(Thread.currentThread().isInterrupted()).as("status kept").isTrue();
            assertThat(c.await(LONG)).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            c.awaitUninterruptibly();
            assertThat(c.awaitUninterruptibly(LONG)).isTrue();
            assertThat(Thread.interrupted()).isTrue();
            assertThat(c.isDone()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -1, -1_000_000_000})
        void timeoutsOfZeroOrLessNeverBlock(long millis) throws InterruptedException {
            Completion c = new Completion();
            Duration d = Duration.ofMillis(millis);
            assertThat(c.await(d)).isFalse();
            assertThat(c.awaitUninterruptibly(d)).isFalse();
            c.complete();
            assertThat(c.await(d)).as("but they take a present token").isTrue();
            c.complete();
            assertThat(c.awaitUninterruptibly(d)).isTrue();
        }

        @Test
        void aTimedWaitWithoutATokenTimesOutNoEarlierThanItsTimeout() throws InterruptedException {
            Completion c = new Completion();
            Duration timeout = Duration.ofMillis(30);
            long start = System.nanoTime();
            assertThat(c.await(timeout)).isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
            start = System.nanoTime();
            assertThat(c.awaitUninterruptibly(timeout)).isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
            assertThat(c.queueLength()).as("a timed-out waiter leaves the queue").isZero();
        }

        @Test
        void aTokenThatArrivesAsTheDeadlinePassesIsTakenAndReportedAsSuccess() throws InterruptedException {
            // The token lands while the timed wait sleeps, and the sleep then lasts to the deadline.
            Completion c = new Completion((waiting, nanos) -> {
                waiting.complete();
                long end = System.nanoTime() + nanos;
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
            });
            assertThat(c.await(Duration.ofMillis(5))).isTrue();
            assertThat(c.isDone()).as("the late token was consumed").isFalse();
            assertThat(c.awaitUninterruptibly(Duration.ofMillis(5))).isTrue();
            assertThat(c.isDone()).isFalse();
        }

        @Test
        void aTimedWaitWithoutTheLateTokenStillReportsTimeout() throws InterruptedException {
            // The sleep returns at once, as a spurious wake-up would; the wait sleeps again until its deadline.
            Completion c = new Completion((waiting, nanos) -> { });
            assertThat(c.await(Duration.ofMillis(5))).isFalse();
        }

        @Test
        void anEnormousTimeoutWaitsForeverLikeMaxScheduleTimeout() throws Exception {
            Completion c = new Completion();
            AtomicBoolean result = new AtomicBoolean();
            Thread t = start("forever", () -> result.set(c.awaitUninterruptibly(Duration.ofSeconds(Long.MAX_VALUE))));
            Await.until("queued", () -> c.queueLength() == 1);
            c.complete();
            t.join();
            assertThat(result).isTrue();
        }

        @Test
        void awaitThrowsWhenInterruptedOnEntryWithoutAToken() {
            Completion c = new Completion();
            Thread.currentThread().interrupt();
            assertThatThrownBy(c::await).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("status cleared").isFalse();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> c.await(LONG)).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void awaitThrowsWhenInterruptedWhileWaitingAndClearsTheStatus(boolean timed) throws Exception {
            Completion c = new Completion();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean statusAfter = new AtomicBoolean(true);
            Thread t = start("interruptible", () -> {
                try {
                    if (timed) {
                        c.await(LONG);
                    } else {
                        c.await();
                    }
                } catch (InterruptedException e) {
                    thrown.set(e);
                    statusAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            Await.until("queued", () -> c.queueLength() == 1);
            t.interrupt();
            t.join();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            assertThat(statusAfter).isFalse();
            assertThat(c.queueLength()).isZero();
        }

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void awaitUninterruptiblyKeepsWaitingAndRestoresTheStatus(boolean timed) throws Exception {
            Completion c = new Completion();
            AtomicBoolean returned = new AtomicBoolean();
            AtomicBoolean statusAfter = new AtomicBoolean();
            AtomicBoolean result = new AtomicBoolean();
            Thread t = start("uninterruptible", () -> {
                if (timed) {
                    result.set(c.awaitUninterruptibly(LONG));
                } else {
                    c.awaitUninterruptibly();
                    result.set(true);
                }
                returned.set(true);
                statusAfter.set(Thread.currentThread().isInterrupted());
            });
            Await.until("queued", () -> c.queueLength() == 1);
            t.interrupt();
            Await.until("queued again after the interrupt", () -> c.queueLength() == 1 && !t.isInterrupted());
            assertThat(returned).as("an interrupt does not end the wait").isFalse();
            c.complete();
            t.join();
            assertThat(result).isTrue();
            assertThat(statusAfter).as("interrupt status restored").isTrue();
        }
    }

    @Nested
    class IsDoneAndTryAwait {
        @Test
        void isDoneMeansAWaitWouldNotBlockAndNothingElse() throws Exception {
            Completion c = new Completion();
            assertThat(c.isDone()).isFalse();
            Thread t = start("waiter", c::awaitUninterruptibly);
            Await.until("queued", () -> c.queueLength() == 1);
            assertThat(c.isDone()).as("a waiter does not make it done").isFalse();
            c.complete();
            t.join();
            assertThat(c.isDone()).isFalse();
            c.complete();
            assertThat(c.isDone()).isTrue();
            assertThat(c.isDone()).as("isDone consumes nothing").isTrue();
            assertThat(c.tryAwait()).isTrue();
            assertThat(c.isDone()).isFalse();
        }

        @Test
        void tryAwaitTakesOneTokenAndNothingAfterCompleteAll() {
            Completion c = new Completion();
            assertThat(c.tryAwait()).isFalse();
            c.complete();
            assertThat(c.tryAwait()).isTrue();
            assertThat(c.tryAwait()).isFalse();
            c.completeAll();
            assertThat(c.tryAwait()).isTrue();
            assertThat(c.tryAwait()).isTrue();
            assertThat(c.isDone()).isTrue();
        }
    }

    @Nested
    class Ordering {
        @Test
        void blockedWaitersAreServedInTheOrderTheyBeganToWait() throws Exception {
            Completion c = new Completion();
            int n = 6;
            ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                start("waiter-" + i, () -> {
                    c.awaitUninterruptibly();
                    order.add(id);
                });
                Await.until("waiter " + i + " queued", () -> c.queueLength() == id + 1);
            }
            for (int i = 0; i < n; i++) {
                int expected = i + 1;
                c.complete();
                Await.until("one more released", () -> order.size() == expected);
            }
            assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
        }

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void anInterruptDoesNotMoveAnUninterruptibleWaiterToTheBackOfTheQueue(boolean timed) throws Exception {
            Completion c = new Completion();
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            Thread first = start("first", () -> {
                if (timed) {
                    assertThat(c.awaitUninterruptibly(LONG)).isTrue();
                } else {
                    c.awaitUninterruptibly();
                }
                order.add("first");
            });
            Await.until("first queued", () -> c.queueLength() == 1);
            start("second", () -> {
                c.awaitUninterruptibly();
                order.add("second");
            });
            Await.until("second queued", () -> c.queueLength() == 2);
            first.interrupt();
            Await.until("the interrupt seen and the wait resumed", () -> !first.isInterrupted());
            c.complete();
            Await.until("one released", () -> order.size() == 1);
            assertThat(order).containsExactly("first");
            c.complete();
            Await.until("both released", () -> order.size() == 2);
            assertThat(order).containsExactly("first", "second");
        }

        @ParameterizedTest(name = "timed: {0}")
        @ValueSource(booleans = {false, true})
        void whenTheFirstWaiterGivesUpTheNextInLineIsServedBeforeANewcomer(boolean timed) throws Exception {
            // The first of several waiters waits without a node; its leaving must hand the front
            // of the line to the second, not to whoever comes next. Both variants are ended by an
            // interrupt; a timeout ends a wait through the same leave().
            Completion c = new Completion();
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            AtomicBoolean firstGaveUp = new AtomicBoolean();
            Thread first = start("first", () -> {
                try {
                    if (timed) {
                        c.await(LONG);
                    } else {
                        c.await();
                    }
                } catch (InterruptedException e) {
                    firstGaveUp.set(true);
                }
            });
            Await.until("first queued", () -> c.queueLength() == 1);
            start("second", () -> {
                c.awaitUninterruptibly();
                order.add("second");
            });
            Await.until("second queued", () -> c.queueLength() == 2);
            first.interrupt();
            assertThat(first.join(Await.PATIENCE)).as("first gave up").isTrue();
            assertThat(firstGaveUp).isTrue();
            assertThat(c.queueLength()).isEqualTo(1);
            start("third", () -> {
                c.awaitUninterruptibly();
                order.add("third");
            });
            Await.until("third queued", () -> c.queueLength() == 2);
            c.complete();
            Await.until("one served", () -> order.size() == 1);
            assertThat(order).containsExactly("second");
            c.complete();
            Await.until("both served", () -> order.size() == 2);
            assertThat(order).containsExactly("second", "third");
            assertThat(c.queueLength()).isZero();
            c.complete();
            assertThat(c.isDone()).as("nobody queued any more: the token is counted").isTrue();
        }

        @Test
        void aTokenHandedToAQueuedWaiterIsNotCountedForAnyoneElse() throws Exception {
            Completion c = new Completion(Completion.PARK_NANOS);
            AtomicBoolean got = new AtomicBoolean();
            Thread t = start("waiter", () -> {
                c.awaitUninterruptibly();
                got.set(true);
            });
            Await.until("queued", () -> c.queueLength() == 1);
            c.complete();
            assertThat(c.isDone()).as("the token went to the waiter").isFalse();
            assertThat(c.tryAwait()).isFalse();
            assertThat(c.queueLength()).as("the waiter left the queue with it").isZero();
            t.join();
            assertThat(got).isTrue();
            assertThat(c.isDone()).isFalse();
        }

        @Test
        void aNewcomerDoesNotTakeATokenPastAQueuedWaiter() throws Exception {
            Completion c = new Completion();
            for (int round = 0; round < 200; round++) {
                AtomicBoolean got = new AtomicBoolean();
                Thread t = Thread.ofPlatform().start(() -> {
                    c.awaitUninterruptibly();
                    got.set(true);
                });
                Await.until("queued", () -> c.queueLength() == 1);
                c.complete();
                assertThat(c.tryAwait()).as("round %d: the queued waiter has priority", round).isFalse();
                t.join();
                assertThat(got).isTrue();
            }
        }

        @Test
        void noWaiterStarvesUnderASteadyStreamOfCompletes() throws Exception {
            Completion c = new Completion();
            int waiters = 4;
            int rounds = 500;
            AtomicInteger[] served = new AtomicInteger[waiters];
            AtomicBoolean stop = new AtomicBoolean();
            for (int i = 0; i < waiters; i++) {
                AtomicInteger count = served[i] = new AtomicInteger();
                start("hungry-" + i, () -> {
                    while (!stop.get()) {
                        if (c.await(Duration.ofSeconds(1))) {
                            count.incrementAndGet();
                        }
                    }
                });
            }
            for (int r = 0; r < rounds * waiters; r++) {
                c.complete();
                int total = r + 1;
                Await.until("token " + total + " taken", () -> !c.isDone());
            }
            stop.set(true);
            for (AtomicInteger count : served) {
                // First come, first served: each gets about `rounds`; a quarter of it is proof enough.
                assertThat(count.get()).as("served %s", List.of(served)).isGreaterThanOrEqualTo(rounds / 4);
            }
        }
    }

    @Nested
    class MemoryConsistency {
        private int plain; // deliberately neither volatile nor guarded

        @Test
        void writesBeforeCompleteAreVisibleAfterTheWaitThatTookTheToken() throws Exception {
            for (int round = 1; round <= 2_000; round++) {
                Completion c = new Completion();
                int value = round;
                Thread writer = Thread.ofPlatform().start(() -> {
                    plain = value;
                    c.complete();
                });
                c.awaitUninterruptibly();
                assertThat(plain).isEqualTo(value);
                writer.join();
            }
        }

        @Test
        void writesBeforeCompleteAllAreVisibleToEveryWaiterAndToIsDone() throws Exception {
            for (int round = 1; round <= 500; round++) {
                Completion c = new Completion();
                int value = round;
                Thread writer = Thread.ofPlatform().start(() -> {
                    plain = value;
                    c.completeAll();
                });
                while (!c.isDone()) {
                    Thread.onSpinWait();
                }
                assertThat(plain).isEqualTo(value);
                writer.join();
            }
        }
    }

    @Test
    void virtualThreadsWaitAndWakeLikePlatformThreads() throws Exception {
        Completion c = new Completion();
        int n = 1_000;
        CountDownLatch done = new CountDownLatch(n);
        List<Thread> vts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            vts.add(Thread.ofVirtual().start(() -> {
                c.awaitUninterruptibly();
                done.countDown();
            }));
        }
        for (int i = 0; i < n; i++) {
            c.complete();
        }
        assertThat(done.await(Await.PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (Thread t : vts) {
            t.join();
        }
        assertThat(c.isDone()).isFalse();
    }

    @Test
    void nullTimeoutIsACallerMistake() {
        Completion c = new Completion();
        assertThatThrownBy(() -> c.await(null)).isInstanceOf(NullPointerException.class);
    }
}
