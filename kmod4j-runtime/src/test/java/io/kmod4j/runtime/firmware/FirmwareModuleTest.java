package io.kmod4j.runtime.firmware;

import static io.kmod4j.runtime.firmware.Fixtures.errno;
import static io.kmod4j.runtime.firmware.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.Errno;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.RmmodOptions;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.UnloadReport.LoaderVerdict;
import io.kmod4j.runtime.firmware.modules.nowait.FwNowait;
import io.kmod4j.runtime.firmware.modules.upload.FwUploader;
import io.kmod4j.runtime.testing.Shared;
import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.testing.Async;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.ManualExecutor;
import io.kmod4j.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real modules in a real kernel: request_firmware_nowait pins its module until the callback has
 * run (Linux's module_put after the callback, so a plain rmmod meanwhile is EWOULDBLOCK), a forced
 * rmmod cancels a queued request and waits for a running one; a registered upload pins its module
 * until unregistered, and a forced rmmod of a driver that forgot it cancels and joins the upload.
 * Every unload must still prove the module's class loader collected.
 */
class FirmwareModuleTest {

    @TempDir
    Path dir;

    ManualExecutor kworker = new ManualExecutor();
    Kernel kernel;
    FirmwareLoader loader;
    Queue<String> results = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void boot() throws Exception {
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(dir).workers(kworker)
                .unloadTimeout(Duration.ofSeconds(20)).build());
        Path fw = dir.resolve("firmware");
        write(fw.resolve("fw.bin"), new byte[1234]);
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(fw).fallbackEnabled(false).build(), kernel.log(),
                new ManualScheduler());
        Shared.put("kmodtest.fw.device", new TestDevice("dev0", loader, kernel.log()));
        Shared.put("kmodtest.fw.name", "fw.bin");
        Shared.put("kmodtest.fw.results", results);
        Shared.put("kmodtest.fw.permits", new Semaphore(0));
    }

    @AfterEach
    void shutdown() {
        Semaphore permits = Shared.get("kmodtest.fw.permits");
        permits.release(1_000);
        CountDownLatch gate = Shared.get("kmodtest.fw.gate");
        if (gate != null) {
            gate.countDown();
        }
        kernel.close();
        kworker.runAll();
        for (String k : new String[] {"device", "name", "results", "permits", "gate", "exit"}) {
            Shared.remove("kmodtest.fw." + k);
        }
    }

    int refcount(String module) {
        return kernel.status(module).orElseThrow().refcount();
    }

    static RmmodOptions forced() {
        return RmmodOptions.defaults().withForce(true);
    }

    static boolean stopped(UnloadReport r, String kind) {
        return r.stopped().stream().anyMatch(s -> s.kind().equals(kind));
    }

    @Nested
    class Nowait {
        Path jar;

        @BeforeEach
        void build() throws Exception {
            jar = TestJars.module("fwnowait", FwNowait.class).writeTo(dir, "fwnowait.jar");
        }

        @Test
        void aPendingRequestPinsItsModuleUntilTheCallbackHasRun() throws Exception {
            kernel.insmod(jar);
            assertThat(refcount("fwnowait")).isEqualTo(1);
            errno(Errno.EWOULDBLOCK, () -> kernel.rmmod("fwnowait"));

            kworker.runAll();
            assertThat(results).containsExactly("callback started", "loaded 1234");
            assertThat(refcount("fwnowait")).isZero();
            UnloadReport r = kernel.rmmod("fwnowait");
            assertThat(r.clean()).as(r.format()).isTrue();
        }

        @Test
        void aFailedLookupCallsBackWithTheErrorAndPutsTheModule() throws Exception {
            Shared.put("kmodtest.fw.name", "missing.bin");
            kernel.insmod(jar);
            kworker.runAll();
            assertThat(results).containsExactly("callback started", "failed ENOENT");
            assertThat(refcount("fwnowait")).isZero();
            assertThat(kernel.rmmod("fwnowait").clean()).isTrue();
        }

        @Test
        void aForcedRmmodCancelsAQueuedRequestSoItsCallbackNeverRuns() throws Exception {
            kernel.insmod(jar);
            UnloadReport r = kernel.rmmod("fwnowait", forced());
            assertThat(stopped(r, "firmware request")).as(r.format()).isTrue();
            assertThat(r.loader()).as(r.format()).isEqualTo(LoaderVerdict.COLLECTED);
            kworker.runAll();
            assertThat(results).isEmpty();
        }

        @Test
        void aForcedRmmodWaitsForARunningCallback() throws Exception {
            CountDownLatch gate = new CountDownLatch(1);
            Shared.put("kmodtest.fw.gate", gate);
            kernel.insmod(jar);
            Async<Integer> worker = Async.start("kworker", kworker::runAll);
            Await.until("callback started", () -> results.contains("callback started"));
            Async<UnloadReport> rmmod = Async.start("rmmod", () -> kernel.rmmod("fwnowait", forced()));
            Await.until("rmmod waits for the request", () -> Arrays.stream(rmmod.thread().getStackTrace())
                    .anyMatch(f -> f.getMethodName().equals("awaitQuiescent")));
            assertThat(rmmod.isDone()).isFalse();
            gate.countDown();
            UnloadReport r = rmmod.get();
            assertThat(results).as("the callback returned before rmmod did").contains("loaded 1234");
            assertThat(stopped(r, "firmware request")).as(r.format()).isTrue();
            assertThat(r.loader()).as(r.format()).isEqualTo(LoaderVerdict.COLLECTED);
            worker.get();
        }

        @Test
        void theDriversRemoveCancelsTheRequest() throws Exception {
            Shared.put("kmodtest.fw.exit", "cancel");
            kernel.insmod(jar);
            UnloadReport r = kernel.rmmod("fwnowait", forced());
            kworker.runAll();
            assertThat(results).containsExactly("exit cancel true");
            assertThat(r.loader()).isEqualTo(LoaderVerdict.COLLECTED);
        }

        @Test
        void aModuleGoingAwayCannotRequestFirmwareEfault() throws Exception {
            Shared.put("kmodtest.fw.exit", "nowait");
            kernel.insmod(jar);
            kworker.runAll();
            UnloadReport r = kernel.rmmod("fwnowait");
            assertThat(results).containsExactly("callback started", "loaded 1234", "exit nowait EFAULT");
            assertThat(r.clean()).as(r.format()).isTrue();
        }
    }

    @Nested
    class Upload {
        Path jar;

        @BeforeEach
        void build() throws Exception {
            jar = TestJars.module("fwuploader", FwUploader.class).writeTo(dir, "fwuploader.jar");
        }

        @Test
        void aRegisteredUploadDoesNotPinItsModuleButIsUnregisteredAtRmmod() throws Exception {
            // Different from Linux on purpose (decision 0009): rmmod unbinds and unregisters first.
            kernel.insmod(jar);
            assertThat(loader.uploads()).extracting(UploadStatus::name).containsExactly("kmodtest-flash");
            assertThat(refcount("fwuploader")).isZero();
            UnloadReport r = kernel.rmmod("fwuploader");
            assertThat(loader.uploads()).isEmpty();
            assertThat(stopped(r, "firmware upload")).as(r.format()).isTrue();
            assertThat(r.loader()).as(r.format()).isEqualTo(LoaderVerdict.COLLECTED);
        }

        @Test
        void aForcedRmmodOfADriverThatForgotToUnregisterCancelsAndJoinsTheUpload() throws Exception {
            kernel.insmod(jar);
            loader.upload("kmodtest-flash", new byte[4]);
            Async<Integer> worker = Async.start("kworker", kworker::runAll);
            Await.until("writing", () -> results.contains("write 0"));
            UnloadReport r = kernel.rmmod("fwuploader", forced());
            assertThat(results).containsExactly("write 0", "cancel", "cleanup");
            assertThat(stopped(r, "firmware upload")).as(r.format()).isTrue();
            assertThat(loader.uploads()).isEmpty();
            assertThat(kernel.dmesg().stream().map(l -> l.message()).toList())
                    .anyMatch(m -> m.contains("fw_upload kmodtest-flash is still registered as fwuploader goes away"));
            assertThat(r.loader()).as(r.format()).isEqualTo(LoaderVerdict.COLLECTED);
            worker.get();
        }

        @Test
        void unregisteringInExitDuringAnUploadCancelsAndJoinsItFirst() throws Exception {
            Shared.put("kmodtest.fw.exit", "unregister");
            kernel.insmod(jar);
            loader.upload("kmodtest-flash", new byte[4]);
            Async<Integer> worker = Async.start("kworker", kworker::runAll);
            Await.until("writing", () -> results.contains("write 0"));
            UnloadReport r = kernel.rmmod("fwuploader", forced());
            assertThat(results).containsExactly("write 0", "cancel", "cleanup", "unregistered in exit");
            assertThat(loader.uploads()).isEmpty();
            assertThat(r.loader()).as(r.format()).isEqualTo(LoaderVerdict.COLLECTED);
            worker.get();
        }

        @Test
        void aModuleGoingAwayCannotRegisterAnUploadEfault() throws Exception {
            Shared.put("kmodtest.fw.exit", "register");
            kernel.insmod(jar);
            kernel.rmmod("fwuploader", forced());
            assertThat(results).containsExactly("exit register EFAULT");
        }
    }
}
