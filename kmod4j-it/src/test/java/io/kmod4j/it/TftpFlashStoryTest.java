package io.kmod4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.devsim.fault.FaultPlan;
import io.kmod4j.devsim.flash.DeviceConfig;
import io.kmod4j.devsim.flash.DeviceState;
import io.kmod4j.devsim.flash.DeviceStatus;
import io.kmod4j.devsim.flash.FlashDevice;
import io.kmod4j.devsim.image.ImagePacker;
import io.kmod4j.devsim.image.Version;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import io.kmod4j.runtime.firmware.UploadStatus;
import io.kmod4j.testing.Await;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin question end to end: the tftp-flash driver module, as Maven built it, pushes
 * firmware to the emulated A/B flash device over real UDP on loopback; its probe starts the
 * download kthread, its remove cancels and waits, and rmmod proves it all gone.
 */
class TftpFlashStoryTest {

    @TempDir
    Path dir;

    FlashDevice device;
    Kernel kernel;
    Path firmwareDir;

    @BeforeEach
    void boot() throws Exception {
        firmwareDir = Files.createDirectories(dir.resolve("firmware"));
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(dir)
                .firmware(FirmwareConfig.builder().roots(firmwareDir).fallbackEnabled(false).build())
                .unloadTimeout(Duration.ofSeconds(20)).build());
    }

    @AfterEach
    void shutdown() {
        kernel.close();
        if (device != null) {
            device.close();
        }
    }

    private void startDevice(FaultPlan faults) throws Exception {
        device = FlashDevice.start(DeviceConfig.of(dir.resolve("state")).withFaults(faults)
                .withSelfTestDelay(Duration.ofMillis(50)));
    }

    private byte[] image(String version, int payloadBytes) throws Exception {
        byte[] payload = new byte[payloadBytes];
        new Random(version.hashCode()).nextBytes(payload);
        return ImagePacker.pack(payload, Version.parse(version), Optional.empty());
    }

    private void firmware(String name, byte[] image) throws Exception {
        Files.write(firmwareDir.resolve(name), image);
    }

    private void insmodDriver(Map<String, String> params) throws Exception {
        kernel.insmod(Examples.jar("tftp-flash"), params);
    }

    private void addFlash(int port) throws Exception {
        kernel.addDevice(DeviceSpec.of("flash0", "kmod4j,tftp-flash",
                Map.of("address", "127.0.0.1", "port", Integer.toString(port), "firmware", "flash0.img")));
    }

    private String dmesg() {
        return kernel.dmesg().stream().map(LogRecord::format).collect(Collectors.joining("\n"));
    }

    private void awaitLog(String text) {
        try {
            Await.until("dmesg shows '" + text + "'", () -> dmesg().contains(text));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + dmesg(), e);
        }
    }

    @Test
    void probePushesTheFirmwareAndTheDeviceConfirmsItThenRmmodIsClean() throws Exception {
        startDevice(FaultPlan.none());
        firmware("flash0.img", image("1.2.0", 300_000));
        insmodDriver(Map.of());
        addFlash(device.address().getPort());
        awaitLog("tftp-flash flash0: new image 1.2.0 confirmed by the device");
        DeviceStatus s = device.status();
        assertThat(s.state()).isEqualTo(DeviceState.CONFIRMED);
        assertThat(s.activeVersion()).contains(Version.parse("1.2.0"));
        UploadStatus u = kernel.firmware().uploadStatus("flash0");
        assertThat(u.progress()).isEqualTo(FwUploadProgress.IDLE);
        assertThat(u.remainingSize()).isZero();
        assertThat(u.error()).isEmpty();
        assertThat(dmesg()).contains("(blksize 1468, windowsize 16)");

        UnloadReport r = kernel.rmmod("tftp_flash");
        assertThat(r.clean()).as(r.format()).isTrue();
        assertThat(dmesg()).contains("tftp-flash flash0: removed (download thread ended with 0)");
        assertThat(kernel.device("flash0").orElseThrow().state()).isEqualTo("unbound");
    }

    @Test
    void aCorruptedBlockIsFirmwareInvalidAndTheDeviceKeepsItsImage() throws Exception {
        startDevice(FaultPlan.builder().corruptBlock(3).build());
        firmware("flash0.img", image("2.0.0", 200_000));
        insmodDriver(Map.of());
        addFlash(device.address().getPort());
        awaitLog("upload failed:");
        assertThat(dmesg()).contains("firmware-invalid");
        assertThat(device.status().activeVersion()).isEmpty();
        assertThat(kernel.rmmod("tftp_flash").clean()).isTrue();
    }

    @Test
    void anUnreachableDeviceIsATimeout() throws Exception {
        int closedPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        firmware("flash0.img", image("1.0.0", 10_000));
        insmodDriver(Map.of("retransmit_ms", "100"));
        addFlash(closedPort);
        awaitLog("upload failed:");
        assertThat(dmesg()).contains("preparing:timeout");
        assertThat(kernel.rmmod("tftp_flash").clean()).isTrue();
    }

    @Test
    void rmmodInTheMiddleOfAnUploadCancelsItJoinsTheThreadAndTheLoaderIsCollected() throws Exception {
        startDevice(FaultPlan.none());
        firmware("flash0.img", image("3.0.0", 8 << 20));
        insmodDriver(Map.of("blksize", "512", "windowsize", "1")); // slow on purpose: 16,000 round trips
        addFlash(device.address().getPort());
        Await.until("transferring", () -> kernel.firmware().uploads().stream()
                .anyMatch(u -> u.progress() == FwUploadProgress.TRANSFERRING && u.written() > 0));
        UnloadReport r = kernel.rmmod("tftp_flash");
        assertThat(r.loader()).as(r.format()).isEqualTo(UnloadReport.LoaderVerdict.COLLECTED);
        assertThat(r.leaks()).isEmpty();
        assertThat(dmesg()).contains("tftp-flash flash0: removed");
        assertThat(kernel.firmware().uploads()).isEmpty();
        Await.until("device back to idle", () -> device.status().state() != DeviceState.RECEIVING);
        assertThat(device.status().activeVersion()).as("no half image is ever active").isEmpty();
    }

    @Test
    void aSecondImageCanBePushedThroughTheSameUploadFromOutside() throws Exception {
        startDevice(FaultPlan.none());
        firmware("flash0.img", image("1.0.0", 50_000));
        insmodDriver(Map.of());
        addFlash(device.address().getPort());
        awaitLog("new image 1.0.0 confirmed");
        kernel.firmware().upload("flash0", image("1.1.0", 60_000));
        UploadStatus done = kernel.firmware().awaitUpload("flash0", Await.PATIENCE);
        assertThat(done.error()).isEmpty();
        Await.until("1.1.0 confirmed", () -> device.status().state() == DeviceState.CONFIRMED
                && device.status().activeVersion().equals(Optional.of(Version.parse("1.1.0"))));
        assertThat(kernel.rmmod("tftp_flash").clean()).isTrue();
    }
}
