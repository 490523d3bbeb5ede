package io.kmod4j.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.sync.Completion;
import io.kmod4j.testing.Async;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.FaultyExecutor;
import io.kmod4j.testing.InjectedError;
import io.kmod4j.testing.ManualExecutor;
import io.kmod4j.testing.TestOwner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkqueueTest {

    private final TestOwner owner = new TestOwner("testmod");
    private final Completion gate = new Completion();

    @AfterEach
    void openGate() {
        gate.completeAll();
    }

    private Work work(String name, WorkFn fn) throws Exception {
        return owner.call(() -> new Work(name, fn));
    }

    @Test
    void anOrderedQueueRunsOneAtATimeInQueueingOrder() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.createOrdered("ordered"));
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            int n = i;
            work("w" + n, () -> {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                order.add(n);
                Thread.yield();
                inside.decrementAndGet();
            }).queueOn(wq);
        }
        wq.flush();
        assertThat(order).containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
        assertThat(maxInside).hasValue(1);
        assertThat(wq.isOrdered()).isTrue();
        assertThat(wq.maxActive()).isEqualTo(1);
        wq.destroy();
    }

    @Test
    void maxActiveBoundsHowManyRunAtOnce() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.create("pair", 2));
        AtomicInteger started = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            work("w" + i, () -> {
                started.incrementAndGet();
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                gate.awaitUninterruptibly();
                inside.decrementAndGet();
            }).queueOn(wq);
        }
        Await.until("two started", () -> started.get() == 2);
        assertThat(wq.toString()).contains("3 queued, 2 active, max_active 2");
        gate.completeAll();
        wq.flush();
        assertThat(started).hasValue(5);
        assertThat(maxInside).hasValue(2);
        wq.destroy();
    }

    @Test
    void flushWaitsForWorkQueuedBeforeItButNotAfter() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.create("flushable"));
        Completion laterGate = new Completion();
        Completion before = new Completion();
        work("before", () -> {
            gate.awaitUninterruptibly();
            before.complete();
        }).queueOn(wq);

        Async<Void> flush = Async.start("flusher", () -> {
            wq.flush();
            return null;
        });
        Await.blocked(flush.thread());
        Work after = work("after", laterGate::awaitUninterruptibly);
        after.queueOn(wq);

        gate.completeAll();
        flush.get(); // returns although "after" is still blocked
        assertThat(before.isDone()).isTrue();
        assertThat(after.isBusy()).isTrue();
        laterGate.completeAll();
        wq.destroy();
    }

    @Test
    void flushingOrDestroyingItsOwnQueueFromAWorkFailsFast() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.create("self"));
        List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
        Work w = work("inside", () -> {
            try {
                wq.flush();
            } catch (IllegalStateException e) {
                thrown.add(e);
            }
            try {
                wq.destroy();
            } catch (IllegalStateException e) {
                thrown.add(e);
            }
        });
        w.queueOn(wq);
        w.flush();
        assertThat(thrown).hasSize(2).allSatisfy(e -> assertThat(e)
                .hasMessageContaining("work 'inside'").hasMessageContaining("own workqueue 'self'"));
        assertThat(wq.state()).isEqualTo(Workqueue.State.LIVE);
        wq.destroy();
    }

    @Test
    void flushingAWorkQueuedBehindTheCallerOnAnOrderedQueueFailsFast() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.createOrdered("strict"));
        Work second = work("second", () -> { });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Work first = work("first", () -> {
            second.queueOn(wq);
            try {
                second.flush();
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
        });
        first.queueOn(wq);
        wq.flush();
        wq.flush(); // the second one, queued by the first
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ordered workqueue 'strict'");
        wq.destroy();
    }

    @Test
    void destroyDrainsAcceptingOnlyChainedWorkThenRefusesEverything() throws Exception {
        Workqueue wq = owner.call(() -> Workqueue.create("doomed"));
        AtomicInteger chainedRuns = new AtomicInteger();
        Work chained = work("chained", chainedRuns::incrementAndGet);
        AtomicReference<Boolean> chainedQueued = new AtomicReference<>();
        Completion started = new Completion();
        work("running", () -> {
            started.complete();
            gate.awaitUninterruptibly();
            chainedQueued.set(chained.queueOn(wq));
        }).queueOn(wq);
        started.awaitUninterruptibly();
        assertThat(owner.resources()).anySatisfy(r -> assertThat(r.kind()).isEqualTo("workqueue"));

        Async<Void> destroy = Async.start("destroyer", () -> {
            wq.destroy();
            return null;
        });
        Await.until("draining", () -> wq.state() == Workqueue.State.DRAINING);
        Await.blocked(destroy.thread());
        Work outsider = work("outsider", () -> { });
        assertThat(outsider.queueOn(wq)).as("not chained: refused while draining").isFalse();
        assertThat(owner.dmesg()).contains("workqueue 'doomed' is draining: work 'outsider' not queued");

        gate.completeAll();
        destroy.get();
        assertThat(chainedQueued.get()).as("queued by a work running on the queue").isTrue();
        assertThat(chainedRuns).as("drained before destroy returned").hasValue(1);
        assertThat(wq.state()).isEqualTo(Workqueue.State.DESTROYED);
        assertThat(chained.queueOn(wq)).isFalse();
        assertThat(owner.resources()).noneSatisfy(r -> assertThat(r.kind()).isEqualTo("workqueue"));
        wq.destroy(); // again: harmless
    }

    @Test
    void theSystemQueueIsOnePerKernelAndCannotBeDestroyed() throws Exception {
        Workqueue mine = owner.call(Workqueue::system);
        assertThat(owner.call(Workqueue::system)).isSameAs(mine);
        assertThat(new TestOwner("other kernel").call(Workqueue::system)).isNotSameAs(mine);
        assertThat(mine.name()).isEqualTo("events");
        assertThat(mine.maxActive()).isEqualTo(Workqueue.DEFAULT_MAX_ACTIVE);
        assertThatThrownBy(mine::destroy).isInstanceOf(IllegalStateException.class);

        AtomicInteger runs = new AtomicInteger();
        Work w = work("sys", runs::incrementAndGet);
        w.schedule();
        mine.flush(); // schedule() used this kernel's system queue
        assertThat(runs).hasValue(1);
    }

    @Test
    void requestStopDestroysTheQueueAtOnceAndCancelsWhatWaits() throws Exception {
        TestOwner other = new TestOwner("other");
        Workqueue wq = owner.call(() -> Workqueue.createOrdered("left-behind"));
        Completion started = new Completion();
        other.call(() -> new Work("blocker", () -> {
            started.complete();
            gate.awaitUninterruptibly();
        })).queueOn(wq);
        AtomicInteger runs = new AtomicInteger();
        Work waiting = other.call(() -> new Work("waiting", runs::incrementAndGet));
        waiting.queueOn(wq);
        started.awaitUninterruptibly();
        OwnedResource r = owner.resources().getFirst();
        assertThat(r.kind()).isEqualTo("workqueue");

        r.requestStop();
        assertThat(wq.state()).isEqualTo(Workqueue.State.DESTROYED);
        assertThat(waiting.isPending()).isFalse();
        assertThat(waiting.queueOn(wq)).isFalse();
        assertThat(r.awaitQuiescent(Duration.ofMillis(20))).as("the blocker still runs").isFalse();
        assertThat(owner.resourceCount()).as("kept until nothing runs on it").isEqualTo(1);

        gate.completeAll();
        assertThat(r.awaitQuiescent(Await.PATIENCE)).isTrue();
        Await.until("released", () -> owner.resourceCount() == 0);
        assertThat(runs).hasValue(0);
        Await.until("the blocker released too", () -> other.resourceCount() == 0);
    }

    /**
     * One pump() hands several entries to kworkers only when several slots free up at once, which
     * only races between kworkers bring about; so this test offers two entries and pumps itself.
     * The executor's Error for the first must not strand the second, handed out in the same pump:
     * it still goes to its kworker, every slot comes back, and flush() returns.
     */
    @Test
    void anErrorStartingOneEntryDoesNotStrandTheOthersHandedOutWithIt() throws Exception {
        ManualExecutor kworkers = new ManualExecutor();
        FaultyExecutor faulty = new FaultyExecutor(kworkers);
        InjectedError error = new InjectedError("cannot start a kworker");
        Workqueue wq = owner.call(() -> Workqueue.create("wide", 4));
        Work w = work("bystander", () -> { });
        assertThat(wq.offer(new Workqueue.Entry(w, wq, faulty), false)).isTrue();
        assertThat(wq.offer(new Workqueue.Entry(w, wq, kworkers), false)).isTrue();
        faulty.failNext(error);

        assertThatThrownBy(wq::pump).as("the Error reaches the caller").isSameAs(error);
        assertThat(kworkers.runAll()).as("the second entry was still handed to its kworker").isEqualTo(1);
        Async.start("flusher", () -> {
            wq.flush();
            return null;
        }).get();
        assertThat(wq.toString()).contains("0 queued, 0 active");
        Async.start("destroyer", () -> {
            wq.destroy();
            return null;
        }).get();
        assertThat(owner.resourceCount()).isZero();
    }

    @Test
    void creationIsCheckedAndOwned() throws Exception {
        assertThatThrownBy(() -> Workqueue.create("bad", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workqueue.create("bad", Workqueue.MAX_ACTIVE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workqueue.create(" ")).isInstanceOf(IllegalArgumentException.class);
        TestOwner full = new TestOwner("full", 0, null);
        assertThatThrownBy(() -> full.call(() -> Workqueue.create("refused")))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN));

        Workqueue wq = owner.call(() -> Workqueue.create("mine"));
        assertThat(wq.owner()).isEqualTo("testmod");
        assertThat(wq.maxActive()).isEqualTo(Workqueue.DEFAULT_MAX_ACTIVE);
        assertThat(owner.resources()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("workqueue");
            assertThat(r.thread()).isEmpty();
            assertThat(r.describe()).contains("workqueue 'mine' of testmod LIVE");
        });
        wq.destroy();
        assertThat(owner.resourceCount()).isZero();
    }
}
