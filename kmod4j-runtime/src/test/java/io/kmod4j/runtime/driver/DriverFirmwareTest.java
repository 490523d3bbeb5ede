package io.kmod4j.runtime.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.testing.ManualExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import kmodtest.nowaitdrv.NowaitDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Firmware requests of a module's driver across unbind and rmmod. */
class DriverFirmwareTest {

    @TempDir
    Path dir;

    ManualExecutor kworker = new ManualExecutor();
    Kernel kernel;

    @BeforeEach
    void boot() throws Exception {
        Path fw = Files.createDirectories(dir.resolve("firmware"));
        Files.write(fw.resolve("nowait.bin"), new byte[] {1, 2, 3, 4, 5});
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(dir).workers(kworker)
                .firmware(FirmwareConfig.builder().roots(fw).fallbackEnabled(false).build()).build());
        kernel.insmod(TestJars.module("nowaitdrv", NowaitDriver.class).writeTo(dir, "nowaitdrv.jar"));
    }

    @AfterEach
    void shutdown() {
        kworker.runAll();
        kernel.close();
    }

    private String dmesg() {
        return kernel.dmesg().stream().map(LogRecord::format).collect(Collectors.joining("\n"));
    }

    @Test
    void removeCancelsAQueuedNowaitRequestAndItsCallbackNeverRuns() throws Exception {
        kernel.addDevice(DeviceSpec.of("n0", "kmodtest,nowait", Map.of()));
        assertThat(kworker.pending()).as("the request waits for a kworker").isPositive();
        kernel.unbind("n0");
        assertThat(dmesg()).contains("nowait-drv n0: remove: cancel prevented the callback: true");
        kworker.runAll();
        assertThat(dmesg()).doesNotContain("n0: callback:");
        UnloadReport r = kernel.rmmod("nowaitdrv");
        assertThat(r.clean()).as(r.format()).isTrue();
    }

    @Test
    void aRequestThatRanBeforeRemoveCalledBackOnceAndCancelIsANoOp() throws Exception {
        kernel.addDevice(DeviceSpec.of("n0", "kmodtest,nowait", Map.of()));
        kworker.runAll();
        assertThat(dmesg()).contains("nowait-drv n0: callback: loaded 5 bytes");
        kernel.unbind("n0");
        assertThat(dmesg()).contains("remove: cancel prevented the callback: false");
        assertThat(dmesg().split("callback: loaded", -1)).hasSize(2);
        assertThat(kernel.rmmod("nowaitdrv").clean()).isTrue();
    }

    @Test
    void rmmodUnbindsFirstSoRemoveCancelsThePendingRequestAndTheModuleGoesCleanly() throws Exception {
        kernel.addDevice(DeviceSpec.of("n0", "kmodtest,nowait", Map.of()));
        assertThat(kernel.status("nowaitdrv").orElseThrow().refcount()).as("a pending request pins the module").isEqualTo(1);
        // The pin makes a plain rmmod refuse, as in Linux; unbinding the device first drops it.
        kernel.unbind("n0");
        assertThat(kernel.status("nowaitdrv").orElseThrow().refcount()).isZero();
        UnloadReport r = kernel.rmmod("nowaitdrv");
        assertThat(r.clean()).as(r.format()).isTrue();
        kworker.runAll();
        assertThat(dmesg()).doesNotContain("n0: callback:");
    }
}
