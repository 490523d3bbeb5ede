package io.kmod4j.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.internal.OwnedResource;
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
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedWorkTest {

    private static final Duration MS = Duration.ofMillis(1);

    private final TestOwner owner = new TestOwner("testmod");
    private final ManualScheduler clock = owner.clock();
    private final Completion gate = new Completion();
    private final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void openGate() {
        gate.completeAll();
    }

    private DelayedWork counting(String name) throws Exception {
        return owner.call(() -> new DelayedWork(name, runs::incrementAndGet));
    }

    private static Duration ms(long n) {
        return MS.multipliedBy(n);
    }

    @Test
    void firesOnlyWhenTheClockReachesTheDelay() throws Exception {
        DelayedWork dw = counting("later");
        assertThat(dw.schedule(ms(10))).isTrue();
        assertThat(dw.isPending()).as("pending while the timer runs").isTrue();
        assertThat(dw.schedule(ms(1))).as("already pending").isFalse();
        assertThat(dw.schedule()).isFalse();

        clock.advance(ms(9));
        assertThat(clock.pending()).as("timer not yet expired").isEqualTo(1);
        assertThat(dw.isPending()).isTrue();
        assertThat(runs).hasValue(0);

        clock.advance(ms(1));
        assertThat(clock.pending()).isZero();
        dw.flush();
        assertThat(runs).hasValue(1);
        assertThat(dw.isBusy()).isFalse();
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void aDelayOfZeroOrLessQueuesAtOnce() throws Exception {
        DelayedWork dw = counting("now");
        assertThat(dw.schedule(Duration.ZERO)).isTrue();
        assertThat(clock.pending()).as("no timer").isZero();
        Await.until("ran without the clock moving", () -> runs.get() == 1);
        dw.flush();
        assertThat(dw.schedule(ms(-5))).isTrue();
        assertThat(clock.pending()).isZero();
        Await.until("ran again", () -> runs.get() == 2);
    }

    /** As KTimer's re-arm: isPending() never sees modify() pass through "not pending". */
    @Test
    void modifyKeepsAPendingWorkPendingThroughout() throws Exception {
        DelayedWork dw = counting("rearmed");
        dw.schedule(ms(10));
        java.util.List<Boolean> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        clock.onSchedule(() -> seen.add(dw.isPending()));
        assertThat(dw.modify(ms(20))).isTrue();
        assertThat(seen).as("isPending() while modify() re-armed it").containsExactly(true);
        clock.onSchedule(() -> { });
        clock.advance(ms(20));
        dw.flush();
        assertThat(runs).hasValue(1);
    }

    @Test
    void modifyTheClockRefusesLeavesTheWorkIdle() throws Exception {
        DelayedWork dw = counting("refused");
        dw.schedule(ms(10));
        clock.onSchedule(() -> {
            throw new IllegalStateException("clock refuses");
        });
        assertThatThrownBy(() -> dw.modify(ms(20))).as("the clock's refusal reaches the caller")
                .isInstanceOf(IllegalStateException.class).hasMessage("clock refuses");
        clock.onSchedule(() -> { });
        assertThat(dw.isPending()).as("the instance taken back is gone").isFalse();
        assertThat(dw.isBusy()).isFalse();
        clock.advance(ms(30));
        assertThat(runs).hasValue(0);
        Await.until("released", () -> owner.resourceCount() == 0);
    }

    @Test
    void modifyReArmsAPendingTimer() throws Exception {
        DelayedWork dw = counting("rearmed");
        dw.schedule(ms(10));
        clock.advance(ms(5));

        assertThat(dw.modify(ms(10))).as("was pending").isTrue();
        clock.advance(ms(9)); // t = 14: the first deadline (10) has passed, the new one (15) not
        assertThat(clock.pending()).isEqualTo(1);
        assertThat(runs).hasValue(0);
        clock.advance(ms(1));
        dw.flush();
        assertThat(runs).hasValue(1);
    }

    @Test
    void modifyOnAnIdleWorkArmsItAndReturnsFalse() throws Exception {
        DelayedWork dw = counting("idle");
        assertThat(dw.modify(ms(3))).isFalse();
        assertThat(dw.isPending()).isTrue();
        clock.advance(ms(3));
        dw.flush();
        assertThat(runs).hasValue(1);
        assertThat(dw.modify(Duration.ZERO)).as("zero: queued at once").isFalse();
        Await.until("ran at once", () -> runs.get() == 2);
    }

    @Test
    void modifyTakesBackAnInstanceAlreadyQueued() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.createOrdered("busy"));
        owner.call(() -> new Work("blocker", gate::awaitUninterruptibly)).queueOn(wq);
        DelayedWork dw = counting("stolen");
        dw.queueOn(wq, ms(1));
        clock.advance(ms(1)); // expired: now queued behind the blocker

        assertThat(dw.modifyOn(wq, ms(50))).isTrue();
        assertThat(clock.pending()).as("armed again").isEqualTo(1);
        gate.completeAll();
        wq.flush();
        assertThat(runs).as("the queued instance was taken back").hasValue(0);
        clock.advance(ms(50));
        dw.flush();
        assertThat(runs).hasValue(1);
        wq.destroy();
    }

    @Test
    void flushQueuesAPendingTimerNowAndWaits() throws Exception {
        DelayedWork dw = counting("hurried");
        dw.schedule(Duration.ofHours(1));
        assertThat(dw.flush()).isTrue();
        assertThat(runs).hasValue(1);
        assertThat(clock.pending()).as("the timer was cancelled").isZero();
        assertThat(dw.flush()).as("idle").isFalse();
    }

    @Test
    void cancelStopsTheTimer() throws Exception {
        DelayedWork dw = counting("cancelled");
        dw.schedule(ms(10));
        assertThat(dw.cancel()).isTrue();
        assertThat(clock.pending()).isZero();
        assertThat(dw.isPending()).isFalse();
        assertThat(dw.cancel()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(runs).hasValue(0);
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void cancelSyncStopsAWorkThatRearmsItself() throws Exception {
        AtomicReference<DelayedWork> self = new AtomicReference<>();
        DelayedWork poll = owner.call(() -> new DelayedWork("poll", () -> {
            runs.incrementAndGet();
            self.get().schedule(ms(10));
        }));
        self.set(poll);
        poll.schedule(ms(10));
        for (int i = 1; i <= 3; i++) {
            clock.advance(ms(10));
            int n = i;
            Await.until("poll " + n + " ran and re-armed", () -> runs.get() == n && clock.pending() == 1);
        }

        assertThat(poll.cancelSync()).as("was waiting for its timer").isTrue();
        assertThat(clock.pending()).isZero();
        assertThat(poll.isBusy()).isFalse();
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void aTimerThatExpiresIntoADestroyedQueueIsDroppedWithAWarning() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.create("short-lived"));
        DelayedWork dw = counting("orphan");
        assertThat(dw.queueOn(wq, ms(10))).isTrue();
        wq.destroy(); // Linux: the caller should have cancelled it first

        clock.advance(ms(10));
        assertThat(dw.isPending()).isFalse();
        assertThat(runs).hasValue(0);
        assertThat(owner.resourceCount()).isZero();
        assertThat(owner.dmesg()).contains("delayed work 'orphan' dropped");
        assertThat(dw.queueOn(wq, ms(1))).isFalse();
    }

    @Test
    void flushingATimerWhoseQueueIsDestroyedDropsIt() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.create("gone"));
        DelayedWork dw = counting("flushed-orphan");
        dw.queueOn(wq, Duration.ofHours(1));
        wq.destroy();

        assertThat(dw.flush()).as("nothing left to wait for").isFalse();
        assertThat(dw.isPending()).isFalse();
        assertThat(clock.pending()).isZero();
        assertThat(owner.resourceCount()).isZero();
        assertThat(runs).hasValue(0);
    }

    @Test
    void anErrorQueueingTheWorkAtExpiryDropsItAndReachesTheClock() throws Exception {
        FaultyOwner broken = new FaultyOwner(owner);
        DelayedWork dw = broken.call(() -> new DelayedWork("expired", runs::incrementAndGet));
        assertThat(dw.schedule(ms(10))).isTrue();
        InjectedError error = new InjectedError("no memory to queue it");
        broken.failNextWorkExecutor(error);

        assertThatThrownBy(() -> clock.advance(ms(10))).as("the Error reaches the clock's thread").isSameAs(error);
        assertThat(Async.start("flusher", dw::flush).get()).isFalse();
        assertThat(dw.isPending()).as("dropped, not pending for ever").isFalse();
        assertThat(owner.resourceCount()).as("its registration given back").isZero();
        assertThat(Async.start("canceller", dw::cancelSync).get()).isFalse();

        assertThat(dw.schedule(ms(1))).as("usable again").isTrue();
        clock.advance(ms(1));
        dw.flush();
        assertThat(runs).hasValue(1);
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void anErrorQueueingTheWorkFromFlushDropsItAndReachesTheFlusher() throws Exception {
        FaultyOwner broken = new FaultyOwner(owner);
        DelayedWork dw = broken.call(() -> new DelayedWork("hurried", runs::incrementAndGet));
        dw.schedule(Duration.ofHours(1));
        InjectedError error = new InjectedError("no memory to queue it");
        broken.failNextWorkExecutor(error);

        assertThatThrownBy(dw::flush).as("the Error reaches the flusher").isSameAs(error);
        assertThat(Async.start("flusher", dw::flush).get()).isFalse();
        assertThat(dw.isPending()).as("dropped, not pending for ever").isFalse();
        assertThat(clock.pending()).as("the timer was cancelled").isZero();
        assertThat(owner.resourceCount()).as("its registration given back").isZero();

        dw.schedule(Duration.ofHours(1));
        assertThat(dw.flush()).isTrue();
        assertThat(runs).hasValue(1);
    }

    @Test
    void anErrorFromTheExecutorAtExpiryDropsTheWorkAndReachesTheClock() throws Exception {
        ManualExecutor kworkers = new ManualExecutor();
        FaultyExecutor faulty = new FaultyExecutor(kworkers);
        DelayedWork dw = new ExecutorOwner(owner, faulty).call(() -> new DelayedWork("unlucky", runs::incrementAndGet));
        dw.schedule(ms(10));
        InjectedError error = new InjectedError("cannot start a kworker");
        faulty.failNext(error);

        assertThatThrownBy(() -> clock.advance(ms(10))).as("the Error reaches the clock's thread").isSameAs(error);
        assertThat(Async.start("flusher", dw::flush).get()).isFalse();
        assertThat(dw.isPending()).as("dropped, not pending for ever").isFalse();
        assertThat(owner.resourceCount()).isZero();
        assertThat(owner.dmesg()).contains("work 'unlucky' dropped: no kworker available");

        dw.schedule(ms(1));
        clock.advance(ms(1));
        assertThat(kworkers.runAll()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(owner.resourceCount()).isZero();
    }

    /**
     * A modify that loses the race to register the work's busy spell gives back the registration
     * it took for nothing. If the owner throws doing that, what the modify queued must still be
     * handed to a kworker: on an idle queue nothing else would start it, and flush() would wait
     * for ever.
     */
    @Test
    void anOwnerThatFailsToTakeBackALeftoverRegistrationDoesNotStrandTheQueuedWork() throws Exception {
        ManualExecutor kworkers = new ManualExecutor();
        FaultyOwner broken = new FaultyOwner(new ExecutorOwner(owner, kworkers));
        Workqueue wq = owner.call(() -> Workqueue.create("idle"));
        DelayedWork dw = broken.call(() -> new DelayedWork("raced", runs::incrementAndGet));
        InjectedError error = new InjectedError("no memory to release it");
        // Another thread arms the work while the modify below asks the owner for a registration.
        broken.beforeNextAdopt(() -> assertThat(dw.queueOn(wq, Duration.ofHours(1))).isTrue());
        broken.failNextRelease(error);

        assertThatThrownBy(() -> dw.modifyOn(wq, Duration.ZERO)).as("the owner's Error reaches the caller")
                .isSameAs(error);
        assertThat(clock.pending()).as("the timer the race armed was taken back").isZero();
        assertThat(dw.isPending()).as("queued now").isTrue();
        assertThat(kworkers.runAll()).as("handed to a kworker all the same").isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(dw.isBusy()).isFalse();
        assertThat(owner.resources()).as("both registrations given back: only the queue is left")
                .singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo("workqueue"));
        assertThat(wq.toString()).contains("0 queued, 0 active");
        Async.start("destroyer", () -> {
            wq.destroy();
            return null;
        }).get();
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void theOwnerHoldsAnArmedWorkAndRequestStopDisarmsIt() throws Exception {
        DelayedWork dw = counting("armed");
        dw.schedule(ms(10));
        OwnedResource r = owner.resources().getFirst();
        assertThat(r.kind()).isEqualTo("delayed_work");
        assertThat(r.describe()).contains("pending (timer armed) for events");

        r.requestStop();
        assertThat(clock.pending()).isZero();
        assertThat(owner.resourceCount()).isZero();
        assertThat(r.awaitQuiescent(Duration.ZERO)).isTrue();
        assertThat(dw.schedule(ms(1))).isFalse();
        assertThat(dw.modify(ms(1))).isFalse();
        assertThat(dw.isPending()).isFalse();
        assertThat(clock.pending()).isZero();
    }
}
