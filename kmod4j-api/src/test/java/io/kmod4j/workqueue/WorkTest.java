package io.kmod4j.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Taint;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.kthread.KThread;
import io.kmod4j.log.Level;
import io.kmod4j.sync.Completion;
import io.kmod4j.testing.Async;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.ExecutorOwner;
import io.kmod4j.testing.FaultyExecutor;
import io.kmod4j.testing.FaultyOwner;
import io.kmod4j.testing.InjectedError;
import io.kmod4j.testing.ManualExecutor;
import io.kmod4j.testing.TestOwner;
import io.kmod4j.testing.UnprintableException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WorkTest {

    private final TestOwner owner = new TestOwner("testmod");
    private final Completion gate = new Completion();
    private final List<Workqueue> created = new ArrayList<>();

    @AfterEach
    void openGateAndDestroyQueues() {
        gate.completeAll(); // a failed test must not leave kworkers blocked
        created.forEach(Workqueue::destroy);
    }

    private Work work(String name, WorkFn fn) throws Exception {
        return owner.call(() -> new Work(name, fn));
    }

    private Workqueue ordered(String name) throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.createOrdered(name));
        created.add(wq);
        return wq;
    }

    /** A work that occupies an ordered queue until {@link #gate} opens. */
    private Completion block(Workqueue wq) throws Exception {
        Completion started = new Completion();
        Work blocker = work("blocker", () -> {
            started.complete();
            gate.awaitUninterruptibly();
        });
        assertThat(blocker.queueOn(wq)).isTrue();
        return started;
    }

    @Nested
    class Queueing {
        @Test
        void queueingAPendingWorkCoalesces() throws Exception {
            Workqueue wq = ordered("coalesce");
            block(wq);
            AtomicInteger runs = new AtomicInteger();
            Work w = work("w", runs::incrementAndGet);

            assertThat(w.queueOn(wq)).as("first queueing").isTrue();
            assertThat(w.isPending()).isTrue();
            assertThat(w.queueOn(wq)).as("already pending").isFalse();
            assertThat(w.schedule()).as("pending anywhere counts").isFalse();

            gate.completeAll();
            wq.flush();
            assertThat(runs).hasValue(1);
            assertThat(w.isPending()).isFalse();
            assertThat(w.isBusy()).isFalse();
        }

        @Test
        void aWorkQueuedWhileRunningRunsAgainAfterwardsNotAlongside() throws Exception {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger runs = new AtomicInteger();
            Completion firstStarted = new Completion();
            Work w = work("again", () -> {
                int n = runs.incrementAndGet();
                events.add("start" + n);
                if (n == 1) {
                    firstStarted.complete();
                    gate.awaitUninterruptibly();
                }
                events.add("end" + n);
            });

            assertThat(w.schedule()).isTrue();
            firstStarted.awaitUninterruptibly();
            assertThat(w.isPending()).as("pending is cleared before the function runs").isFalse();
            assertThat(w.isBusy()).isTrue();
            assertThat(w.schedule()).as("may be queued while it runs").isTrue();
            assertThat(w.isPending()).isTrue();
            assertThat(w.schedule()).isFalse();

            gate.completeAll();
            w.flush(); // false if both executions ended before it looked: either way they are done
            assertThat(events).containsExactly("start1", "end1", "start2", "end2");
        }

        @Test
        void neverRunsConcurrentlyWithItselfAndEachSuccessfulQueueingRunsOnce() throws Exception {
            Workqueue other = owner.call(() -> Workqueue.create("other", 8));
            created.add(other);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            AtomicInteger runs = new AtomicInteger();
            Work w = work("busy", () -> {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until) {
                    Thread.yield(); // long enough, and lets a second kworker try to start it meanwhile
                }
                runs.incrementAndGet();
                inside.decrementAndGet();
            });
            AtomicInteger queued = new AtomicInteger();
            long end = System.nanoTime() + Duration.ofMillis(300).toNanos(); // a load, not a synchronisation
            List<Async<Void>> producers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                boolean useOther = p % 2 == 1; // two workqueues: non-reentrancy holds across queues
                producers.add(Async.start("producer-" + p, () -> {
                    while (System.nanoTime() < end) {
                        if (useOther ? w.queueOn(other) : w.schedule()) {
                            queued.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Async<Void> p : producers) {
                p.get();
            }
            w.flush();

            assertThat(maxInside).as("executions at once").hasValue(1);
            assertThat(runs.get()).as("one execution per successful queueing").isEqualTo(queued.get());
            assertThat(queued.get()).isGreaterThan(10);
            assertThat(owner.resourceCount()).as("only the queue is left").isEqualTo(1);
        }

        @Test
        void aSecondKworkerHandsTheWorkToTheOneRunningIt() throws Exception {
            ManualExecutor kworkers = new ManualExecutor();
            ExecutorOwner manual = new ExecutorOwner(owner, kworkers);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
            Completion firstStarted = new Completion();
            Work w = manual.call(() -> new Work("handed-over", () -> {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                ranOn.add(Thread.currentThread().getName());
                if (ranOn.size() == 1) {
                    firstStarted.complete();
                    gate.awaitUninterruptibly();
                }
                inside.decrementAndGet();
            }));
            w.schedule();
            Async<Integer> first = Async.start("kworker-a", kworkers::runAll);
            firstStarted.awaitUninterruptibly();

            assertThat(w.schedule()).isTrue();
            Async<Integer> second = Async.start("kworker-b", kworkers::runAll);
            assertThat(second.get()).as("kworker-b took the entry and gave it back at once").isEqualTo(1);
            assertThat(w.isPending()).as("still pending: handed to the running kworker").isTrue();

            gate.completeAll();
            assertThat(first.get()).isEqualTo(1);
            assertThat(ranOn).containsExactly("kworker-a", "kworker-a");
            assertThat(maxInside).hasValue(1);
            assertThat(w.isBusy()).isFalse();
            assertThat(owner.resourceCount()).isZero();
        }

        @Test
        void aHandedOverInstanceThatIsCancelledGivesItsSlotBack() throws Exception {
            ManualExecutor kworkers = new ManualExecutor();
            ExecutorOwner manual = new ExecutorOwner(owner, kworkers);
            AtomicInteger runs = new AtomicInteger();
            Completion firstStarted = new Completion();
            Work w = manual.call(() -> new Work("fickle", () -> {
                if (runs.incrementAndGet() == 1) {
                    firstStarted.complete();
                    gate.awaitUninterruptibly();
                }
            }));
            w.schedule();
            Async<Integer> first = Async.start("kworker-a", kworkers::runAll);
            firstStarted.awaitUninterruptibly();

            w.schedule();
            assertThat(Async.start("kworker-b", kworkers::runAll).get()).isEqualTo(1); // handed over
            assertThat(w.cancel()).isTrue();
            w.schedule();
            assertThat(Async.start("kworker-c", kworkers::runAll).get()).isEqualTo(1); // handed over again

            gate.completeAll();
            first.get();
            assertThat(runs).as("the cancelled instance never ran; the later one did").hasValue(2);
            assertThat(manual.call(Workqueue::system).toString()).as("every slot given back")
                    .contains("0 queued, 0 active");
        }

        @Test
        void aWorkOnAFailedKworkerIsDroppedWithAWarning() throws Exception {
            ExecutorOwner refusing = new ExecutorOwner(owner, r -> {
                throw new RejectedExecutionException("no kworkers left");
            });
            AtomicInteger runs = new AtomicInteger();
            Work w = refusing.call(() -> new Work("refused", runs::incrementAndGet));

            assertThat(w.schedule()).isTrue();
            assertThat(w.isBusy()).isFalse();
            assertThat(runs).hasValue(0);
            assertThat(owner.resourceCount()).isZero();
            assertThat(owner.dmesg()).contains("work 'refused' dropped: no kworker available");
        }
    }

    @Nested
    class FlushAndCancel {
        @Test
        void flushOnAnIdleWorkReturnsFalseAtOnce() throws Exception {
            Work w = work("idle", () -> { });
            assertThat(w.flush()).isFalse();
        }

        @Test
        void flushWaitsForTheRunningExecution() throws Exception {
            Completion started = new Completion();
            AtomicBoolean finished = new AtomicBoolean();
            Work w = work("slow", () -> {
                started.complete();
                gate.awaitUninterruptibly();
                finished.set(true);
            });
            w.schedule();
            started.awaitUninterruptibly();

            Async<Boolean> flush = Async.start("flusher", w::flush);
            Await.blocked(flush.thread());
            assertThat(flush.isDone()).isFalse();
            gate.completeAll();
            assertThat(flush.get()).isTrue();
            assertThat(finished).as("the execution happened-before flush returned").isTrue();
            assertThat(w.flush()).isFalse();
        }

        @Test
        void flushWaitsForAPendingInstanceToRun() throws Exception {
            Workqueue wq = ordered("flush-pending");
            block(wq);
            AtomicInteger runs = new AtomicInteger();
            Work w = work("queued", runs::incrementAndGet);
            w.queueOn(wq);

            Async<Boolean> flush = Async.start("flusher", w::flush);
            Await.blocked(flush.thread());
            gate.completeAll();
            assertThat(flush.get()).isTrue();
            assertThat(runs).hasValue(1);
        }

        @Test
        void cancelTakesBackAPendingInstanceOnly() throws Exception {
            Workqueue wq = ordered("cancel");
            block(wq);
            AtomicInteger runs = new AtomicInteger();
            Work w = work("victim", runs::incrementAndGet);
            w.queueOn(wq);

            assertThat(w.cancel()).as("was pending").isTrue();
            assertThat(w.isPending()).isFalse();
            assertThat(w.cancel()).as("not pending any more").isFalse();
            gate.completeAll();
            wq.flush();
            assertThat(runs).as("a cancelled instance never runs").hasValue(0);
            assertThat(w.queueOn(wq)).as("usable again").isTrue();
            wq.flush();
            assertThat(runs).hasValue(1);
        }

        @Test
        void cancelDoesNotWaitForARunningExecution() throws Exception {
            Completion started = new Completion();
            Work w = work("running", () -> {
                started.complete();
                gate.awaitUninterruptibly();
            });
            w.schedule();
            started.awaitUninterruptibly();
            assertThat(w.cancel()).isFalse(); // returns although the function is blocked
            assertThat(w.isBusy()).isTrue();
        }

        @Test
        void anInstanceAlreadyHandedToAKworkerIsStillCancelled() throws Exception {
            ManualExecutor kworkers = new ManualExecutor();
            ExecutorOwner manual = new ExecutorOwner(owner, kworkers);
            AtomicInteger runs = new AtomicInteger();
            Work w = manual.call(() -> new Work("handed", runs::incrementAndGet));

            assertThat(w.schedule()).isTrue();
            assertThat(kworkers.pending()).as("handed to a kworker, not started").isEqualTo(1);
            assertThat(w.cancel()).isTrue();
            kworkers.runAll();
            assertThat(runs).hasValue(0);
            assertThat(owner.resourceCount()).isZero();

            assertThat(w.schedule()).isTrue();
            kworkers.runAll();
            assertThat(runs).hasValue(1);
        }

        @Test
        void cancelSyncWaitsForTheRunningExecutionAndDropsThePendingOne() throws Exception {
            Completion started = new Completion();
            AtomicInteger runs = new AtomicInteger();
            Work w = work("sync", () -> {
                runs.incrementAndGet();
                started.complete();
                gate.awaitUninterruptibly();
            });
            w.schedule();
            started.awaitUninterruptibly();
            w.schedule(); // pending behind the running execution

            Async<Boolean> cancel = Async.start("canceller", w::cancelSync);
            Await.blocked(cancel.thread());
            assertThat(w.isPending()).as("taken back before waiting").isFalse();
            gate.completeAll();
            assertThat(cancel.get()).as("was pending").isTrue();
            assertThat(w.isBusy()).isFalse();
            assertThat(runs).as("the pending instance never ran").hasValue(1);
            assertThat(w.cancelSync()).as("idle").isFalse();
        }

        @Test
        void cancelSyncStopsAWorkThatQueuesItself() throws Exception {
            AtomicReference<Work> self = new AtomicReference<>();
            AtomicInteger runs = new AtomicInteger();
            Work w = work("loop", () -> {
                runs.incrementAndGet();
                self.get().schedule();
            });
            self.set(w);
            w.schedule();
            Await.until("the work ran a few times", () -> runs.get() >= 3);

            w.cancelSync();
            assertThat(w.isBusy()).as("neither pending nor running").isFalse();
            assertThat(owner.resourceCount()).isZero();
        }

        @Test
        void queueingFailsWhileACancelSyncWaits() throws Exception {
            AtomicReference<Work> self = new AtomicReference<>();
            Completion started = new Completion();
            AtomicReference<Boolean> requeued = new AtomicReference<>();
            Work w = work("requeuer", () -> {
                started.complete();
                gate.awaitUninterruptibly();
                requeued.set(self.get().schedule());
            });
            self.set(w);
            w.schedule();
            started.awaitUninterruptibly();

            Async<Boolean> cancel = Async.start("canceller", w::cancelSync);
            Await.blocked(cancel.thread());
            gate.completeAll();
            assertThat(cancel.get()).isFalse();
            assertThat(requeued.get()).as("queueing from the function while cancelSync waits").isFalse();
            assertThat(w.isBusy()).isFalse();
            assertThat(w.schedule()).as("usable again afterwards").isTrue();
            // Each run queues it again, so a flush would return with it still going: stop it, or it
            // keeps a kworker busy through every later test in this JVM.
            w.cancelSync();
            assertThat(w.isBusy()).isFalse();
        }

        @Test
        void waitingOnItselfFromItsOwnFunctionFailsFast() throws Exception {
            AtomicReference<Work> self = new AtomicReference<>();
            List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
            Work w = work("selfish", () -> {
                for (Runnable r : List.<Runnable>of(() -> self.get().cancelSync(), () -> self.get().flush(),
                        () -> self.get().disableSync())) {
                    try {
                        r.run();
                    } catch (IllegalStateException e) {
                        thrown.add(e);
                    }
                }
            });
            self.set(w);
            w.schedule();
            w.flush();
            assertThat(thrown).hasSize(3).allSatisfy(e -> assertThat(e)
                    .hasMessageContaining("work 'selfish'").hasMessageContaining("from its own function"));
            assertThat(w.cancel()).as("plain cancel from anywhere is fine").isFalse();
        }

        @Test
        void disableNestsAndRefusesQueueing() throws Exception {
            Workqueue wq = ordered("disable");
            block(wq);
            AtomicInteger runs = new AtomicInteger();
            Work w = work("off", runs::incrementAndGet);
            w.queueOn(wq);

            assertThat(w.disable()).as("was pending").isTrue();
            assertThat(w.disable()).isFalse();
            assertThat(w.queueOn(wq)).isFalse();
            assertThat(w.enable()).as("still disabled once").isFalse();
            assertThat(w.schedule()).isFalse();
            assertThat(w.enable()).isTrue();
            assertThatThrownBy(w::enable).isInstanceOf(IllegalStateException.class).hasMessageContaining("not disabled");
            assertThat(w.queueOn(wq)).isTrue();
            gate.completeAll();
            wq.flush();
            assertThat(runs).hasValue(1);
        }
    }

    @Nested
    class Oops {
        @Test
        void anExceptionIsAnOopsAndTheWorkStaysUsable() throws Exception {
            AtomicInteger runs = new AtomicInteger();
            Work w = work("oopsy", () -> {
                if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("boom");
                }
            });
            w.schedule();
            w.flush();

            assertThat(owner.taints()).contains(Taint.DIE);
            assertThat(owner.log.records()).anySatisfy(r -> {
                assertThat(r.level()).isEqualTo(Level.ALERT);
                assertThat(r.message()).isEqualTo("Oops: unhandled java.lang.IllegalStateException in work 'oopsy'");
            });
            assertThat(owner.dmesg())
                    .contains("testmod: Comm: kworker-test Owner: testmod Tainted: D\n")
                    .contains("testmod: Workqueue: events oopsy\n")
                    .contains("testmod: Call Trace:\n")
                    .contains("java.lang.IllegalStateException: boom");
            assertThat(w.schedule()).isTrue();
            w.flush();
            assertThat(runs).hasValue(2);
            assertThat(owner.resourceCount()).isZero();
        }

        @Test
        void anExceptionThatCannotPrintItselfIsStillAnOopsAndTheWorkStaysUsable() throws Exception {
            AtomicInteger runs = new AtomicInteger();
            Work w = work("unprintable", () -> {
                if (runs.incrementAndGet() == 1) {
                    throw new UnprintableException();
                }
            });
            w.schedule();
            Async<Boolean> flush = Async.start("flusher", w::flush);
            flush.get(); // returns (true or false, as the run raced it): the kworker did its bookkeeping
            assertThat(owner.taints()).contains(Taint.DIE);
            assertThat(owner.dmesg()).contains("in work 'unprintable'")
                    .contains("its toString() threw java.lang.UnsupportedOperationException");
            assertThat(owner.resourceCount()).isZero();
            assertThat(w.schedule()).isTrue();
            w.flush();
            assertThat(runs).hasValue(2);
        }
    }

    @Nested
    class Ownership_ {
        @Test
        void theOwnerHoldsTheWorkWhilePendingOrRunningOnly() throws Exception {
            Completion started = new Completion();
            Work w = work("owned", () -> {
                started.complete();
                gate.awaitUninterruptibly();
            });
            assertThat(owner.resourceCount()).isZero();

            w.schedule();
            started.awaitUninterruptibly();
            assertThat(owner.resources()).singleElement().satisfies(r -> {
                assertThat(r.kind()).isEqualTo("work");
                assertThat(r.name()).isEqualTo("owned");
                assertThat(r.thread()).isPresent();
                assertThat(r.describe()).contains("work 'owned' of testmod").contains("running on");
            });

            gate.completeAll();
            w.flush();
            assertThat(owner.resourceCount()).as("released by the time flush returns").isZero();
            assertThat(w.toString()).contains("idle");
        }

        @Test
        void anOwnerThatRefusesMakesQueueingFailWithAWarning() throws Exception {
            TestOwner full = new TestOwner("full", 0, null);
            Work w = full.call(() -> new Work("unwanted", () -> { }));

            assertThat(w.schedule()).isFalse();
            assertThat(w.isPending()).isFalse();
            assertThat(full.log.records()).anySatisfy(r -> {
                assertThat(r.level()).isEqualTo(Level.WARNING);
                assertThat(r.message()).contains("work 'unwanted' not queued").contains("EAGAIN");
            });
        }

        @Test
        void requestStopCancelsThePendingInstanceAndRefusesMore() throws Exception {
            TestOwner other = new TestOwner("other");
            Workqueue wq = other.call(() -> Workqueue.createOrdered("theirs"));
            created.add(wq);
            other.call(() -> {
                Work blocker = new Work("their-blocker", gate::awaitUninterruptibly);
                return blocker.queueOn(wq);
            });
            AtomicInteger runs = new AtomicInteger();
            Work w = work("doomed", runs::incrementAndGet);
            w.queueOn(wq);
            OwnedResource r = owner.resources().getFirst();

            r.requestStop();
            assertThat(w.isPending()).isFalse();
            assertThat(owner.resourceCount()).isZero();
            assertThat(r.awaitQuiescent(Duration.ZERO)).isTrue();
            assertThat(w.schedule()).isFalse();
            assertThat(w.queueOn(wq)).isFalse();
            gate.completeAll();
            wq.flush();
            assertThat(runs).hasValue(0);
            assertThat(w.toString()).contains("owner going away");
        }

        @Test
        void awaitQuiescentWaitsForTheRunningFunction() throws Exception {
            Completion started = new Completion();
            AtomicReference<Thread> kworker = new AtomicReference<>();
            Work w = work("lingering", () -> {
                kworker.set(Thread.currentThread());
                started.complete();
                gate.awaitUninterruptibly();
            });
            w.schedule();
            started.awaitUninterruptibly();
            OwnedResource r = owner.resources().getFirst();

            r.requestStop();
            assertThat(r.thread()).contains(kworker.get());
            assertThat(r.awaitQuiescent(Duration.ofMillis(20))).as("still running").isFalse();
            gate.completeAll();
            assertThat(r.awaitQuiescent(Await.PATIENCE)).isTrue();
            assertThat(owner.resourceCount()).isZero();
            assertThat(r.thread()).isEmpty();
            assertThat(w.schedule()).isFalse();
        }

        @Test
        void theFunctionRunsAsItsOwnerAndWhatItCreatesIsTheOwners() throws Exception {
            AtomicReference<Owner> seen = new AtomicReference<>();
            AtomicReference<String> childOwner = new AtomicReference<>();
            Work w = work("parent", () -> {
                seen.set(Ownership.current());
                KThread child = KThread.run("child", () -> 0);
                child.stop();
                childOwner.set(child.owner());
            });
            w.schedule(); // from host code: the work's owner still applies
            w.flush();
            assertThat(seen.get()).isSameAs(owner);
            assertThat(childOwner.get()).isEqualTo("testmod");
        }

        @Test
        void theContextClassLoaderIsTheOwnersDuringTheCallAndRestoredAfter() throws Exception {
            ClassLoader moduleLoader = new URLClassLoader(new URL[0], null);
            ClassLoader kworkerLoader = new URLClassLoader(new URL[0], null);
            ExecutorService kworker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "kworker/0");
                t.setDaemon(true);
                t.setContextClassLoader(kworkerLoader);
                return t;
            });
            try {
                ExecutorOwner mod = new ExecutorOwner(new TestOwner("mod", 10, moduleLoader), kworker);
                AtomicReference<ClassLoader> during = new AtomicReference<>();
                Work w = mod.call(() -> new Work("ccl", () -> during.set(Thread.currentThread().getContextClassLoader())));
                w.schedule();
                w.flush();
                assertThat(during.get()).isSameAs(moduleLoader);
                assertThat(kworker.submit(() -> Thread.currentThread().getContextClassLoader()).get())
                        .as("restored after the call").isSameAs(kworkerLoader);
            } finally {
                kworker.shutdownNow();
            }
        }
    }

    /**
     * Errors (not refusals) from the machinery around a work: its executor while the queue hands
     * the work to a kworker, the owner while a kworker starts the function. Whatever step fails,
     * the work ends idle with its registration given back, flush() and cancelSync() return, and
     * the Error reaches whoever made the call. Queues a wedge could hang are destroyed in the test
     * itself, on a thread that gives up, never in @AfterEach.
     */
    @Nested
    class ErrorsFromTheMachinery {
        private final ManualExecutor kworkers = new ManualExecutor();
        private final FaultyExecutor faulty = new FaultyExecutor(kworkers);
        private final ExecutorOwner manual = new ExecutorOwner(owner, kworkers);
        private final ExecutorOwner failing = new ExecutorOwner(owner, faulty);
        private final InjectedError error = new InjectedError("cannot start a kworker");

        private void destroy(Workqueue wq) throws Exception {
            Async.start("destroyer", () -> {
                wq.destroy();
                return null;
            }).get();
        }

        @Test
        void anErrorFromTheExecutorDropsTheWorkAndReachesTheCaller() throws Exception {
            AtomicInteger runs = new AtomicInteger();
            Work w = failing.call(() -> new Work("unlucky", runs::incrementAndGet));
            faulty.failNext(error);

            assertThatThrownBy(w::schedule).as("the executor's Error reaches the caller").isSameAs(error);
            assertThat(Async.start("flusher", w::flush).get()).isFalse();
            assertThat(w.isBusy()).as("dropped, not pending for ever").isFalse();
            assertThat(owner.resourceCount()).as("its registration given back").isZero();
            assertThat(Async.start("canceller", w::cancelSync).get()).isFalse();
            assertThat(owner.dmesg()).contains("work 'unlucky' dropped: no kworker available (" + error + ")");
            assertThat(failing.call(Workqueue::system).toString()).as("its slot given back")
                    .contains("0 queued, 0 active");

            assertThat(w.schedule()).as("usable again").isTrue();
            assertThat(kworkers.runAll()).isEqualTo(1);
            assertThat(runs).hasValue(1);
            assertThat(owner.resourceCount()).isZero();
        }

        @Test
        void aKworkerWhoseQueueFailsToStartTheNextWorkStillFinishesItsOwn() throws Exception {
            Workqueue wq = owner.call(() -> Workqueue.createOrdered("one-at-a-time"));
            AtomicInteger ranFirst = new AtomicInteger();
            AtomicInteger ranSecond = new AtomicInteger();
            Work first = manual.call(() -> new Work("first", ranFirst::incrementAndGet));
            Work second = failing.call(() -> new Work("second", ranSecond::incrementAndGet));
            assertThat(first.queueOn(wq)).isTrue();
            assertThat(second.queueOn(wq)).as("waits for the first's slot").isTrue();
            faulty.failNext(error);

            // The first ends; giving back its slot starts the second, whose executor fails.
            assertThatThrownBy(kworkers::runAll).as("the kworker passes the Error on, after its bookkeeping")
                    .isSameAs(error);
            assertThat(Async.start("canceller", first::cancelSync).get()).isFalse();
            assertThat(ranFirst).hasValue(1);
            assertThat(owner.resourceCount()).as("both registrations given back: only the queue is left")
                    .isEqualTo(1);
            assertThat(second.isBusy()).as("dropped, not pending for ever").isFalse();
            assertThat(Async.start("flusher", second::flush).get()).isFalse();
            Async.start("queue flusher", () -> {
                wq.flush();
                return null;
            }).get();
            assertThat(wq.toString()).contains("0 queued, 0 active");

            assertThat(first.queueOn(wq)).isTrue();
            assertThat(second.queueOn(wq)).isTrue();
            assertThat(kworkers.runAll()).isEqualTo(2);
            assertThat(ranFirst).hasValue(2);
            assertThat(ranSecond).hasValue(1);
            destroy(wq);
            assertThat(owner.resourceCount()).isZero();
        }

        @Test
        void anInstanceHandedOverToTheKworkerStillRunsWhenTheQueueFailsInBetween() throws Exception {
            Workqueue wq = owner.call(() -> Workqueue.create("two-at-a-time", 2));
            List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
            Completion firstStarted = new Completion();
            Work w = manual.call(() -> new Work("handed-over", () -> {
                ranOn.add(Thread.currentThread().getName());
                if (ranOn.size() == 1) {
                    firstStarted.complete();
                    gate.awaitUninterruptibly();
                }
            }));
            AtomicInteger ranOther = new AtomicInteger();
            Work other = failing.call(() -> new Work("unlucky", ranOther::incrementAndGet));
            assertThat(w.queueOn(wq)).isTrue();
            Async<Integer> kworkerA = Async.start("kworker-a", kworkers::runAll);
            firstStarted.awaitUninterruptibly();
            assertThat(w.queueOn(wq)).isTrue();
            assertThat(Async.start("kworker-b", kworkers::runAll).get()).as("handed over to kworker-a").isEqualTo(1);
            assertThat(other.queueOn(wq)).as("waits: both slots are taken").isTrue();
            faulty.failNext(error);

            // kworker-a ends the first execution and takes the handed-over instance (now running);
            // giving back the first's slot then fails to start `other`.
            gate.completeAll();
            assertThatThrownBy(kworkerA::get).isInstanceOf(ExecutionException.class).cause().isSameAs(error);
            assertThat(Async.start("canceller", w::cancelSync).get()).isFalse();
            assertThat(ranOn).as("the handed-over instance still ran").containsExactly("kworker-a", "kworker-a");
            assertThat(w.isBusy()).isFalse();
            assertThat(other.isBusy()).isFalse();
            assertThat(ranOther).hasValue(0);
            assertThat(owner.resourceCount()).as("only the queue is left").isEqualTo(1);
            assertThat(wq.toString()).contains("0 queued, 0 active");
            destroy(wq);
        }

        @Test
        void anErrorBeforeTheFunctionStartsStillEndsTheExecution() throws Exception {
            FaultyOwner broken = new FaultyOwner(manual);
            AtomicInteger runs = new AtomicInteger();
            Work w = broken.call(() -> new Work("never-started", runs::incrementAndGet));
            assertThat(w.schedule()).isTrue();
            broken.failNextContextClassLoader(error);

            assertThatThrownBy(kworkers::runAll).as("the kworker passes the Error on").isSameAs(error);
            assertThat(Async.start("canceller", w::cancelSync).get()).isFalse();
            assertThat(runs).hasValue(0);
            assertThat(w.isBusy()).as("not left running for ever").isFalse();
            assertThat(owner.resourceCount()).isZero();
            assertThat(Async.start("flusher", w::flush).get()).isFalse();

            assertThat(w.schedule()).isTrue();
            assertThat(kworkers.runAll()).isEqualTo(1);
            assertThat(runs).hasValue(1);
            assertThat(owner.resourceCount()).isZero();
        }

        /**
         * disable() is cancel + disable ({@code disable_work}). When the cancel throws (here the
         * owner, as the work's registration is given back), the call has not disabled the work:
         * a caller that pairs enable() only with a disable() that returned must not be left with
         * a work that refuses every queueing for ever.
         */
        @Test
        void aDisableWhoseCancelThrowsLeavesTheWorkEnabled() throws Exception {
            FaultyOwner broken = new FaultyOwner(manual);
            AtomicInteger runs = new AtomicInteger();
            Work w = broken.call(() -> new Work("flaky", runs::incrementAndGet));
            assertThat(w.schedule()).isTrue();
            InjectedError releaseFails = new InjectedError("no memory to release it");
            broken.failNextRelease(releaseFails);

            assertThatThrownBy(w::disable).as("the owner's Error reaches the caller").isSameAs(releaseFails);
            assertThat(w.isPending()).as("the pending instance was cancelled all the same").isFalse();
            assertThat(owner.resourceCount()).as("its registration given back").isZero();
            assertThat(w.toString()).as("idle, and no disable count").isEqualTo("work 'flaky' of testmod idle");
            assertThatThrownBy(w::enable).as("no disable left to undo").isInstanceOf(IllegalStateException.class);
            assertThat(w.schedule()).as("queueing is not refused").isTrue();
            assertThat(kworkers.runAll()).as("the cancelled entry, stale, and the new one").isEqualTo(2);
            assertThat(runs).hasValue(1);
            assertThat(owner.resourceCount()).isZero();

            assertThat(w.disable()).isFalse();
            assertThat(w.schedule()).isFalse();
            assertThat(w.enable()).as("one enable undoes the one disable that returned").isTrue();
        }

        /**
         * The queue cannot tell an executor that failed before taking the entry from one that
         * took it and then failed, so it drops the entry either way; the late task must then
         * neither run the work nor give the slot back a second time.
         */
        @Test
        void anEntryTheExecutorKeptDespiteItsErrorNeitherRunsLateNorFreesItsSlotTwice() throws Exception {
            Workqueue wq = owner.call(() -> Workqueue.createOrdered("strict"));
            AtomicInteger runs = new AtomicInteger();
            Work w = failing.call(() -> new Work("kept", runs::incrementAndGet));
            faulty.failNextAfterHandingOver(error);

            assertThatThrownBy(() -> w.queueOn(wq)).isSameAs(error);
            assertThat(Async.start("flusher", w::flush).get()).isFalse();
            assertThat(w.isBusy()).as("dropped, as if the executor had not kept it").isFalse();
            assertThat(owner.resourceCount()).as("only the queue is left").isEqualTo(1);
            assertThat(kworkers.runAll()).as("the task the executor kept").isEqualTo(1);
            assertThat(runs).as("a dropped instance never runs").hasValue(0);
            assertThat(wq.toString()).as("its slot given back once").contains("0 queued, 0 active");

            assertThat(w.queueOn(wq)).isTrue();
            assertThat(kworkers.runAll()).isEqualTo(1);
            assertThat(runs).hasValue(1);
            destroy(wq);
            assertThat(owner.resourceCount()).isZero();
        }
    }

    @Test
    void namesAreCheckedAndDefaulted() throws Exception {
        assertThatThrownBy(() -> new Work(" ", () -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Work(null)).isInstanceOf(NullPointerException.class);
        Work w = work("named", () -> { });
        assertThat(w.name()).isEqualTo("named");
        assertThat(w.owner()).isEqualTo("testmod");
        assertThat(new Work(() -> { }).name()).startsWith(WorkTest.class.getName());
    }
}
