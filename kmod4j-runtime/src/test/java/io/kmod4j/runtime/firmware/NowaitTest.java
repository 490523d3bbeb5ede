package io.kmod4j.runtime.firmware;

import static io.kmod4j.runtime.firmware.Fixtures.dmesg;
import static io.kmod4j.runtime.firmware.Fixtures.errno;
import static io.kmod4j.runtime.firmware.Fixtures.text;
import static io.kmod4j.runtime.firmware.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.Errno;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.firmware.FirmwareRequest;
import io.kmod4j.firmware.FirmwareResult;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.log.LogRing;
import io.kmod4j.testing.Async;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.ExecutorOwner;
import io.kmod4j.testing.ManualExecutor;
import io.kmod4j.testing.ManualScheduler;
import io.kmod4j.testing.TestOwner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** request_firmware_nowait with a test owner whose kworker the test drives. */
class NowaitTest {

    @TempDir
    Path root;

    LogRing log = new LogRing();
    FirmwareLoader loader;
    TestDevice dev;
    ManualExecutor kworker = new ManualExecutor();
    ExecutorOwner owner = new ExecutorOwner(new TestOwner("drv"), kworker);
    List<String> calls = new CopyOnWriteArrayList<>();
    List<Owner> callers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void boot() throws Exception {
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(root).fallbackEnabled(false).build(), log,
                new ManualScheduler());
        dev = new TestDevice("dev0", loader, log);
        write(root.resolve("fw.bin"), "image");
    }

    FirmwareRequest nowait(String name) throws Exception {
        return owner.call(() -> Firmware.requestNowait(name, dev, this::record));
    }

    void record(FirmwareResult r) {
        callers.add(Ownership.current());
        switch (r) {
            case FirmwareResult.Loaded l -> {
                try (Firmware fw = l.firmware()) {
                    calls.add("loaded " + text(fw.data()));
                }
            }
            case FirmwareResult.Failed f -> calls.add("failed " + f.error().errno());
        }
    }

    @Test
    void itCallsBackExactlyOnceWithTheImageAsTheOwnerOnItsKworker() throws Exception {
        FirmwareRequest r = nowait("fw.bin");
        assertThat(r.name()).isEqualTo("fw.bin");
        assertThat(r.isDone()).isFalse();
        assertThat(calls).isEmpty();
        assertThat(owner.base().resources()).singleElement().extracting(OwnedResource::kind).isEqualTo("firmware request");

        assertThat(kworker.runAll()).isEqualTo(1);
        assertThat(calls).containsExactly("loaded image");
        assertThat(callers).containsExactly(owner);
        assertThat(r.isDone()).isTrue();
        assertThat(owner.base().resourceCount()).isZero();
        assertThat(r.cancel()).as("no-op once done").isFalse();
        assertThat(calls).hasSize(1);
    }

    @Test
    void itCallsBackWithTheFailureAndWarnsUnlessNoWarn() throws Exception {
        nowait("missing.bin");
        kworker.runAll();
        assertThat(calls).containsExactly("failed ENOENT");
        assertThat(dmesg(log)).contains("Direct firmware load for missing.bin failed with error -2");

        log.clear();
        owner.call(() -> Firmware.requestNowaitNoWarn("missing.bin", dev, this::record));
        kworker.runAll();
        assertThat(calls).containsExactly("failed ENOENT", "failed ENOENT");
        assertThat(dmesg(log)).doesNotContain("Direct firmware load");
    }

    @Test
    void aBadNameFailsAtOnceAndQueuesNothing() {
        errno(Errno.EINVAL, () -> nowait("a/../b"));
        assertThat(kworker.pending()).isZero();
        assertThat(owner.base().resourceCount()).isZero();
    }

    @Test
    void cancelBeforeItStartsPreventsTheCallback() throws Exception {
        FirmwareRequest r = nowait("fw.bin");
        assertThat(r.cancel()).isTrue();
        assertThat(r.isDone()).isTrue();
        assertThat(owner.base().resourceCount()).isZero();
        kworker.runAll();
        assertThat(calls).isEmpty();
        assertThat(r.cancel()).isFalse();
    }

    @Test
    void cancelWhileTheCallbackRunsWaitsForIt() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        FirmwareRequest r = owner.call(() -> Firmware.requestNowait("fw.bin", dev, res -> {
            calls.add("started");
            awaitQuietly(gate);
            calls.add("returned");
            ((FirmwareResult.Loaded) res).firmware().close();
        }));
        Async<Integer> worker = Async.start("kworker", kworker::runAll);
        Await.until("callback started", () -> calls.contains("started"));
        Async<Boolean> cancel = Async.start("remove", r::cancel);
        Await.blocked(cancel.thread());
        assertThat(cancel.isDone()).isFalse();
        gate.countDown();
        assertThat(cancel.get()).as("it did not prevent the callback").isFalse();
        assertThat(calls).containsExactly("started", "returned");
        worker.get();
    }

    @Test
    void cancelFromTheCallbackItselfIsIllegalState() throws Exception {
        AtomicReference<FirmwareRequest> self = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        self.set(owner.call(() -> Firmware.requestNowait("fw.bin", dev, res -> {
            try {
                self.get().cancel();
            } catch (Throwable t) {
                thrown.set(t);
            }
            ((FirmwareResult.Loaded) res).firmware().close();
        })));
        kworker.runAll();
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("own callback");
        assertThat(self.get().isDone()).isTrue();
    }

    @Test
    void theOwnerGoingAwayCancelsAQueuedRequestAndWaitsForARunningOne() throws Exception {
        nowait("fw.bin");
        OwnedResource queued = owner.base().resources().getFirst();
        queued.requestStop();
        assertThat(queued.awaitQuiescent(Duration.ZERO)).isTrue();
        kworker.runAll();
        assertThat(calls).isEmpty();

        CountDownLatch gate = new CountDownLatch(1);
        owner.call(() -> Firmware.requestNowait("fw.bin", dev, res -> {
            calls.add("running");
            awaitQuietly(gate);
            ((FirmwareResult.Loaded) res).firmware().close();
        }));
        OwnedResource running = owner.base().resources().getFirst();
        Async<Integer> worker = Async.start("kworker", kworker::runAll);
        Await.until("running", () -> calls.contains("running"));
        running.requestStop();
        assertThat(running.awaitQuiescent(Duration.ofMillis(1))).isFalse();
        assertThat(running.thread()).contains(worker.thread());
        assertThat(running.describe()).contains("running");
        gate.countDown();
        assertThat(running.awaitQuiescent(Await.PATIENCE)).isTrue();
        worker.get();
    }

    @Test
    void aCallbackThatThrowsIsLoggedAndTheRequestStillEnds() throws Exception {
        FirmwareRequest r = owner.call(() -> Firmware.requestNowait("fw.bin", dev, res -> {
            ((FirmwareResult.Loaded) res).firmware().close();
            throw new IllegalStateException("driver bug");
        }));
        kworker.runAll();
        assertThat(r.isDone()).isTrue();
        assertThat(owner.base().dmesg()).contains("callback threw").contains("driver bug");
        assertThat(owner.base().resourceCount()).isZero();
    }

    @Test
    void anOwnerThatTakesNothingNewRefusesTheRequest() {
        TestOwner full = new TestOwner("full", 0, null);
        errno(Errno.EAGAIN, () -> full.call(() -> Firmware.requestNowait("fw.bin", dev, this::record)));
    }

    static void awaitQuietly(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
