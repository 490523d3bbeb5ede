package io.kmod4j.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Taint;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.sync.Completion;
import io.kmod4j.testing.Async;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.ExecutorOwner;
import io.kmod4j.testing.FaultyExecutor;
import io.kmod4j.testing.FaultyOwner;
import io.kmod4j.testing.InjectedError;
import io.kmod4j.testing.ManualExecutor;
import io.kmod4j.testing.ManualScheduler;
import io.kmod4j.testing.TestOwner;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KTimerTest {

    private static final Duration MS = Duration.ofMillis(1);

    private final TestOwner owner = new TestOwner("testmod");
    private final ManualScheduler clock = owner.clock();
    private final Completion gate = new Completion();
    private final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void openGate() {
        gate.completeAll();
    }

    private KTimer timer(String name, TimerFn fn) throws Exception {
        return owner.call(() -> new KTimer(name, fn));
    }

    private static Duration ms(long n) {
        return MS.multipliedBy(n);
    }

    /** Waits until the callback has run {@code n} times and the timer is idle again. */
    private void awaitRunsThenIdle(int n) {
        Await.until("callback ran " + n + " times", () -> runs.get() == n);
        Await.until("idle", () -> owner.resourceCount() == 0);
    }

    @Test
    void modifyArmsAndReArmsAndTheCallbackRunsOnAKworkerAtExpiry() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        KTimer t = timer("tick", () -> {
            ranOn.set(Thread.currentThread());
            runs.incrementAndGet();
        });
        assertThat(t.isPending()).isFalse();
        assertThat(t.modify(ms(10))).as("was not pending").isFalse();
        assertThat(t.isPending()).isTrue();
        assertThat(t.modify(ms(20))).as("was pending").isTrue();

        clock.advance(ms(19));
        assertThat(clock.pending()).as("the first arming is gone; the second waits").isEqualTo(1);
        assertThat(runs).hasValue(0);
        clock.advance(ms(1));
        assertThat(t.isPending()).as("expiry clears pending").isFalse();
        awaitRunsThenIdle(1);
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(ranOn.get().getName()).isEqualTo("kworker-test");
    }

    /**
     * isPending() reads without the lock, so a re-arm must never pass through "not pending"
     * (mod_timer detaches without clearing pending). Found by Lincheck (kmod4j-stress,
     * WorkqueueLinearizabilityTest#timerIsLinearizable): modify() disarmed, then armed again.
     */
    @Test
    void reArmingAPendingTimerKeepsItPendingThroughout() throws Exception {
        KTimer t = timer("rearmed", runs::incrementAndGet);
        t.modify(ms(10));
        List<Boolean> seen = Collections.synchronizedList(new ArrayList<>());
        clock.onSchedule(() -> seen.add(t.isPending()));
        assertThat(t.modify(ms(20))).isTrue();
        assertThat(seen).as("isPending() while modify() re-armed it").containsExactly(true);
        clock.advance(ms(20));
        awaitRunsThenIdle(1);
    }

    @Test
    void aReArmTheClockRefusesLeavesTheTimerArmedAsItWas() throws Exception {
        KTimer t = timer("kept", runs::incrementAndGet);
        t.modify(ms(10));
        clock.onSchedule(() -> {
            throw new IllegalStateException("clock refuses");
        });
        assertThatThrownBy(() -> t.modify(ms(20))).as("the clock's refusal reaches the caller")
                .isInstanceOf(IllegalStateException.class).hasMessage("clock refuses");
        clock.onSchedule(() -> { });
        assertThat(t.isPending()).isTrue();
        clock.advance(ms(10));
        awaitRunsThenIdle(1);
    }

    @Test
    void deleteDisarmsAPendingTimerOnly() throws Exception {
        KTimer t = timer("deleted", runs::incrementAndGet);
        t.modify(ms(10));
        assertThat(t.delete()).isTrue();
        assertThat(clock.pending()).isZero();
        assertThat(t.delete()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(runs).hasValue(0);
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void deleteSyncWaitsForARunningCallback() throws Exception {
        Completion started = new Completion();
        KTimer t = timer("slow", () -> {
            started.complete();
            gate.awaitUninterruptibly();
            runs.incrementAndGet();
        });
        t.modify(Duration.ZERO);
        clock.runDue();
        started.awaitUninterruptibly();
        assertThat(t.delete()).as("running, not pending").isFalse();

        Async<Boolean> delete = Async.start("deleter", t::deleteSync);
        Await.blocked(delete.thread());
        gate.completeAll();
        assertThat(delete.get()).isFalse();
        assertThat(runs).as("the callback ended before deleteSync returned").hasValue(1);
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void deleteSyncStopsACallbackThatReArmsItself() throws Exception {
        AtomicReference<KTimer> self = new AtomicReference<>();
        Completion started = new Completion();
        AtomicReference<Boolean> rearmed = new AtomicReference<>();
        KTimer t = timer("watchdog", () -> {
            if (runs.incrementAndGet() == 3) {
                started.complete();
                gate.awaitUninterruptibly();
                rearmed.set(self.get().modify(ms(10)));
            } else {
                self.get().modify(ms(10));
            }
        });
        self.set(t);
        t.modify(ms(10));
        for (int i = 1; i <= 3; i++) {
            clock.advance(ms(10));
            int n = i;
            Await.until("run " + n, () -> runs.get() == n);
            if (n < 3) {
                Await.until("re-armed", () -> clock.pending() == 1);
            }
        }
        started.awaitUninterruptibly();

        Async<Boolean> delete = Async.start("deleter", t::deleteSync);
        Await.blocked(delete.thread());
        gate.completeAll();
        assertThat(delete.get()).as("was not pending while the callback ran").isFalse();
        assertThat(rearmed.get()).as("modify is ignored while deleteSync waits").isFalse();
        assertThat(t.isPending()).isFalse();
        assertThat(clock.pending()).isZero();
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void anExpiryDuringTheCallbackKeepsItPendingAndRunsItAfterNeverAlongside() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Completion started = new Completion();
        KTimer t = timer("serial", () -> {
            int n = runs.incrementAndGet();
            events.add("start" + n);
            if (n == 1) {
                started.complete();
                gate.awaitUninterruptibly();
            }
            events.add("end" + n);
        });
        t.modify(ms(1));
        clock.advance(ms(1));
        started.awaitUninterruptibly();

        assertThat(t.modify(ms(1))).isFalse();
        clock.advance(ms(1));
        assertThat(t.isPending()).as("expired while its callback runs: still pending").isTrue();
        gate.completeAll();
        Await.until("ran twice", () -> events.size() == 4);
        assertThat(events).containsExactly("start1", "end1", "start2", "end2");
        Await.until("idle", () -> owner.resourceCount() == 0);
        assertThat(t.isPending()).isFalse();
    }

    @Test
    void deleteCancelsAnExpiryWaitingForTheRunningCallback() throws Exception {
        Completion started = new Completion();
        KTimer t = timer("late", () -> {
            if (runs.incrementAndGet() == 1) {
                started.complete();
                gate.awaitUninterruptibly();
            }
        });
        t.modify(ms(1));
        clock.advance(ms(1));
        started.awaitUninterruptibly();
        t.modify(ms(1));
        clock.advance(ms(1));

        assertThat(t.delete()).as("still pending").isTrue();
        gate.completeAll();
        Await.until("idle", () -> owner.resourceCount() == 0);
        assertThat(runs).hasValue(1);
    }

    @Test
    void waitingOnItselfFromItsOwnCallbackFailsFast() throws Exception {
        AtomicReference<KTimer> self = new AtomicReference<>();
        List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
        KTimer t = timer("selfish", () -> {
            for (Runnable r : List.<Runnable>of(() -> self.get().deleteSync(), () -> self.get().shutdown())) {
                try {
                    r.run();
                } catch (IllegalStateException e) {
                    thrown.add(e);
                }
            }
            runs.incrementAndGet();
        });
        self.set(t);
        t.modify(Duration.ZERO);
        clock.runDue();
        Await.until("ran", () -> runs.get() == 1);
        assertThat(thrown).hasSize(2).allSatisfy(e -> assertThat(e)
                .hasMessageContaining("timer 'selfish'").hasMessageContaining("from its own callback"));
        assertThat(t.modify(ms(1))).as("not shut down: the call failed before doing anything").isFalse();
        assertThat(t.isPending()).isTrue();
    }

    @Test
    void shutdownMakesLaterModifyIgnored() throws Exception {
        KTimer t = timer("final", runs::incrementAndGet);
        t.modify(ms(10));
        assertThat(t.shutdown()).isTrue();
        assertThat(t.modify(ms(1))).isFalse();
        assertThat(t.isPending()).isFalse();
        assertThat(clock.pending()).isZero();
        assertThat(t.toString()).contains("shut down");
    }

    @Test
    void anExceptionIsAnOopsAndTheTimerStaysUsable() throws Exception {
        KTimer t = timer("oopsy", () -> {
            if (runs.incrementAndGet() == 1) {
                throw new ArithmeticException("divide by zero");
            }
        });
        t.modify(Duration.ZERO);
        clock.runDue();
        Await.until("ran", () -> runs.get() == 1);
        Await.until("idle", () -> owner.resourceCount() == 0);
        assertThat(owner.taints()).contains(Taint.DIE);
        assertThat(owner.dmesg())
                .contains("testmod: Oops: unhandled java.lang.ArithmeticException in timer 'oopsy'\n")
                .contains("Owner: testmod Tainted: D")
                .contains("divide by zero");

        t.modify(Duration.ZERO);
        clock.runDue();
        Await.until("ran again", () -> runs.get() == 2);
    }

    @Test
    void anErrorFromTheExecutorAtExpiryDropsTheExpiryAndReachesTheClock() throws Exception {
        ManualExecutor kworkers = new ManualExecutor();
        FaultyExecutor faulty = new FaultyExecutor(kworkers);
        KTimer t = new ExecutorOwner(owner, faulty).call(() -> new KTimer("unlucky", runs::incrementAndGet));
        t.modify(Duration.ZERO);
        InjectedError error = new InjectedError("cannot start a kworker");
        faulty.failNext(error);

        assertThatThrownBy(clock::runDue).as("the Error reaches the clock's thread").isSameAs(error);
        assertThat(Async.start("deleter", t::deleteSync).get()).isFalse();
        assertThat(t.isPending()).isFalse();
        assertThat(owner.resourceCount()).as("not left expired for ever: released").isZero();
        assertThat(owner.dmesg()).contains("timer 'unlucky' expiry dropped: no kworker available (" + error + ")");

        assertThat(t.modify(Duration.ZERO)).as("usable again").isFalse();
        clock.runDue();
        assertThat(kworkers.runAll()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(owner.resourceCount()).isZero();
    }

    /**
     * The timer cannot tell an executor that failed before taking the callback from one that took
     * it and then failed, so it drops the expiry either way; the late task must not run it then.
     */
    @Test
    void aCallbackTheExecutorKeptDespiteItsErrorDoesNotRunLate() throws Exception {
        ManualExecutor kworkers = new ManualExecutor();
        FaultyExecutor faulty = new FaultyExecutor(kworkers);
        KTimer t = new ExecutorOwner(owner, faulty).call(() -> new KTimer("kept", runs::incrementAndGet));
        t.modify(Duration.ZERO);
        InjectedError error = new InjectedError("cannot start a kworker");
        faulty.failNextAfterHandingOver(error);

        assertThatThrownBy(clock::runDue).isSameAs(error);
        assertThat(Async.start("deleter", t::deleteSync).get()).isFalse();
        assertThat(owner.resourceCount()).as("dropped, as if the executor had not kept it").isZero();
        assertThat(kworkers.runAll()).as("the task the executor kept").isEqualTo(1);
        assertThat(runs).as("a dropped expiry never runs").hasValue(0);
        assertThat(owner.resourceCount()).isZero();

        t.modify(Duration.ZERO);
        clock.runDue();
        assertThat(kworkers.runAll()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void anErrorBeforeTheCallbackStartsStillEndsTheExpiry() throws Exception {
        ManualExecutor kworkers = new ManualExecutor();
        FaultyOwner broken = new FaultyOwner(new ExecutorOwner(owner, kworkers));
        KTimer t = broken.call(() -> new KTimer("never-started", runs::incrementAndGet));
        t.modify(Duration.ZERO);
        clock.runDue();
        InjectedError error = new InjectedError("no memory to start the callback");
        broken.failNextContextClassLoader(error);

        assertThatThrownBy(kworkers::runAll).as("the kworker passes the Error on").isSameAs(error);
        assertThat(Async.start("deleter", t::deleteSync).get()).isFalse();
        assertThat(runs).hasValue(0);
        assertThat(owner.resourceCount()).as("not left running for ever: released").isZero();

        t.modify(Duration.ZERO);
        clock.runDue();
        assertThat(kworkers.runAll()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void theOwnerHoldsTheTimerWhilePendingOrRunningAndItRunsAsTheOwner() throws Exception {
        ClassLoader moduleLoader = new URLClassLoader(new URL[0], null);
        TestOwner mod = new TestOwner("mod", 10, moduleLoader);
        AtomicReference<Owner> seen = new AtomicReference<>();
        AtomicReference<ClassLoader> loader = new AtomicReference<>();
        Completion started = new Completion();
        KTimer t = mod.call(() -> new KTimer("owned", () -> {
            seen.set(Ownership.current());
            loader.set(Thread.currentThread().getContextClassLoader());
            started.complete();
            gate.awaitUninterruptibly();
        }));
        assertThat(mod.resourceCount()).isZero();
        t.modify(ms(5));
        assertThat(mod.resources()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("timer");
            assertThat(r.describe()).isEqualTo("timer 'owned' of mod pending");
        });
        mod.clock().advance(ms(5));
        started.awaitUninterruptibly();
        assertThat(mod.resources()).singleElement().satisfies(r -> assertThat(r.thread()).isPresent());

        gate.completeAll();
        Await.until("released once the callback returned", () -> mod.resourceCount() == 0);
        assertThat(seen.get()).isSameAs(mod);
        assertThat(loader.get()).isSameAs(moduleLoader);
    }

    @Test
    void anOwnerThatRefusesLeavesTheTimerIdleWithAWarning() throws Exception {
        TestOwner full = new TestOwner("full", 0, null);
        KTimer t = full.call(() -> new KTimer("unwanted", runs::incrementAndGet));
        assertThat(t.modify(ms(1))).isFalse();
        assertThat(t.isPending()).isFalse();
        assertThat(full.clock().pending()).isZero();
        assertThat(full.dmesg()).contains("timer 'unwanted' not armed").contains("EAGAIN");
    }

    @Test
    void requestStopDisarmsAndDropsAnExpiryWhoseCallbackHasNotStarted() throws Exception {
        ManualExecutor kworkers = new ManualExecutor();
        ExecutorOwner manual = new ExecutorOwner(owner, kworkers);
        KTimer t = manual.call(() -> new KTimer("dropped", runs::incrementAndGet));
        t.modify(Duration.ZERO);
        clock.runDue();
        assertThat(kworkers.pending()).as("expired, handed to a kworker").isEqualTo(1);
        OwnedResource r = owner.resources().getFirst();

        r.requestStop();
        assertThat(r.awaitQuiescent(Duration.ZERO)).as("the callback is still due to be handed over").isFalse();
        kworkers.runAll();
        assertThat(runs).as("no owner code after requestStop").hasValue(0);
        assertThat(r.awaitQuiescent(Duration.ZERO)).isTrue();
        assertThat(owner.resourceCount()).isZero();
        assertThat(t.modify(ms(1))).isFalse();
        assertThat(t.isPending()).isFalse();
    }

    @Test
    void awaitQuiescentWaitsForARunningCallback() throws Exception {
        Completion started = new Completion();
        KTimer t = timer("busy", () -> {
            started.complete();
            gate.awaitUninterruptibly();
        });
        t.modify(Duration.ZERO);
        clock.runDue();
        started.awaitUninterruptibly();
        OwnedResource r = owner.resources().getFirst();

        r.requestStop();
        assertThat(r.awaitQuiescent(Duration.ofMillis(20))).isFalse();
        gate.completeAll();
        assertThat(r.awaitQuiescent(Await.PATIENCE)).isTrue();
        assertThat(owner.resourceCount()).isZero();
        assertThat(t.modify(ms(1))).isFalse();
    }
}
