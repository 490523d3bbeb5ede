package io.kmod4j.runtime.firmware;

import static io.kmod4j.runtime.firmware.Fixtures.bytes;
import static io.kmod4j.runtime.firmware.Fixtures.dmesg;
import static io.kmod4j.runtime.firmware.Fixtures.errno;
import static io.kmod4j.runtime.firmware.Fixtures.text;
import static io.kmod4j.runtime.firmware.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.log.LogRing;
import io.kmod4j.testing.Async;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.ManualScheduler;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fallback loader: supplied, aborted, timed out, and who may wait for it. */
class FallbackTest {

    @TempDir
    Path root;

    LogRing log = new LogRing();
    ManualScheduler clock = new ManualScheduler();
    FirmwareLoader loader;
    TestDevice dev;

    @BeforeEach
    void boot() {
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(root).build(), log, clock);
        dev = new TestDevice("dev0", loader, log);
    }

    /** Starts a request on its own thread and waits until it waits for the fallback loader. */
    Async<String> waiting(String name) {
        Async<String> a = Async.start("request " + name, () -> {
            try (Firmware fw = Firmware.request(name, dev)) {
                return text(fw.data()) + (fw.source().isPresent() ? " from a file" : " from the fallback");
            }
        });
        Await.until(name + " waits for the fallback loader",
                () -> a.isDone() || loader.pendingFallbacks().stream().anyMatch(p -> p.name().equals(name)));
        if (a.isDone()) {
            try {
                throw new AssertionError("the request ended without waiting: " + a.get());
            } catch (Exception e) {
                throw new AssertionError("the request ended without waiting", e);
            }
        }
        return a;
    }

    static KernelException failure(Async<?> a) {
        try {
            a.get();
        } catch (KernelException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a KernelException", e);
        }
        throw new AssertionError("expected the request to fail");
    }

    @Test
    void aRequestTheFilesystemCannotAnswerWaitsForTheImageSupplied() throws Exception {
        Async<String> a = waiting("fw.bin");
        assertThat(loader.pendingFallbacks()).singleElement().satisfies(p -> {
            assertThat(p.device()).isEqualTo("dev0");
            assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(p.waiters()).isEqualTo(1);
        });
        Await.until("the wait is logged", () -> dmesg(log).contains("kmod4j fw load fw.bin FILE"));
        assertThat(dmesg(log)).contains("Direct firmware load for fw.bin failed with error -2");
        loader.loadFallback("fw.bin", bytes("supplied"));
        assertThat(a.get()).isEqualTo("supplied from the fallback");
        assertThat(loader.pendingFallbacks()).isEmpty();
        assertThat(clock.pending()).as("the timeout was cancelled").isZero();
    }

    @Test
    void aFileCanBeSuppliedAsItIs() throws Exception {
        Path file = write(root.resolve("elsewhere/image.raw"), "raw bytes");
        Async<String> a = waiting("fw.bin");
        loader.loadFallback("fw.bin", file);
        assertThat(a.get()).isEqualTo("raw bytes from the fallback");
    }

    @Test
    void anAbortedFallbackIsEagain() {
        Async<String> a = waiting("fw.bin");
        try {
            loader.abortFallback("fw.bin");
        } catch (KernelException e) {
            throw new AssertionError(e);
        }
        assertThat(failure(a).errno()).isEqualTo(Errno.EAGAIN);
    }

    @Test
    void aFallbackThatTimesOutIsEagain() {
        Async<String> a = waiting("fw.bin");
        clock.advance(Duration.ofSeconds(59));
        assertThat(a.isDone()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        KernelException e = failure(a);
        assertThat(e.errno()).isEqualTo(Errno.EAGAIN);
        assertThat(e.getMessage()).contains("timed out");
        assertThat(loader.pendingFallbacks()).isEmpty();
    }

    @Test
    void requestsForTheSameNameWaitTogetherAndShareTheImage() throws Exception {
        Async<String> a = waiting("fw.bin");
        Async<String> b = Async.start("second", () -> {
            try (Firmware fw = Firmware.requestNoWarn("fw.bin", dev)) {
                return text(fw.data());
            }
        });
        Await.blocked(b.thread());
        assertThat(loader.pendingFallbacks()).singleElement().extracting(PendingFallback::waiters).isEqualTo(1);
        loader.loadFallback("fw.bin", bytes("one image"));
        assertThat(a.get()).isEqualTo("one image from the fallback");
        assertThat(b.get()).isEqualTo("one image");
    }

    @Test
    void requestDirectNeverWaits() {
        errno(Errno.ENOENT, () -> Firmware.requestDirect("fw.bin", dev));
        assertThat(loader.pendingFallbacks()).isEmpty();
    }

    @Test
    void withTheFallbackDisabledAMissingImageFailsAtOnce() {
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(root).fallbackEnabled(false).build(), log, clock);
        errno(Errno.ENOENT, () -> Firmware.request("fw.bin", new TestDevice("dev1", loader, log)));
    }

    @Test
    void supplyingWhatNobodyWaitsForIsEnoentAndAnEmptyOrOversizeImageIsRefusedWhileTheRequestWaits() throws Exception {
        errno(Errno.ENOENT, () -> loader.loadFallback("nobody.bin", bytes("x")));
        errno(Errno.ENOENT, () -> loader.abortFallback("nobody.bin"));
        Async<String> a = waiting("fw.bin");
        errno(Errno.EINVAL, () -> loader.loadFallback("fw.bin", new byte[0]));
        assertThat(loader.pendingFallbacks()).hasSize(1);
        loader.loadFallback("fw.bin", bytes("finally"));
        assertThat(a.get()).isEqualTo("finally from the fallback");
    }

    @Test
    void anInterruptedWaiterGetsEintrAndWithdrawsTheRequest() throws Exception {
        Async<String> a = waiting("fw.bin");
        a.thread().interrupt();
        assertThat(failure(a).errno()).isEqualTo(Errno.EINTR);
        Await.until("withdrawn", () -> loader.pendingFallbacks().isEmpty());
        assertThat(clock.pending()).isZero();
    }

    @Test
    void aFallbackImageIsCopiedIntoTheCallersBuffer() throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(16);
        Async<String> a = Async.start("into", () -> {
            try (Firmware fw = Firmware.requestIntoBuffer("fw.bin", dev, buf)) {
                return text(fw.data());
            }
        });
        Await.until("waiting", () -> !loader.pendingFallbacks().isEmpty());
        loader.loadFallback("fw.bin", bytes("into buffer"));
        assertThat(a.get()).isEqualTo("into buffer");
        assertThat(text(buf.slice(0, 11))).isEqualTo("into buffer");
    }

    @Test
    void aZeroTimeoutWaitsWithoutLimit() throws Exception {
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(root).fallbackTimeout(Duration.ZERO).build(), log, clock);
        dev = new TestDevice("dev0", loader, log);
        Async<String> a = waiting("fw.bin");
        assertThat(clock.pending()).isZero();
        clock.advance(Duration.ofDays(1));
        assertThat(a.isDone()).isFalse();
        loader.loadFallback("fw.bin", bytes("late"));
        assertThat(a.get()).isEqualTo("late from the fallback");
    }
}
