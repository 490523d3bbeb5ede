package io.kmod4j.devsim.flash;

import static io.kmod4j.devsim.flash.Fixture.awaitState;
import static io.kmod4j.devsim.flash.Fixture.awaitStatus;
import static io.kmod4j.devsim.flash.Fixture.image;
import static io.kmod4j.devsim.flash.Fixture.readStatus;
import static io.kmod4j.devsim.flash.Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kmod4j.devsim.fault.FaultPlan;
import io.kmod4j.devsim.image.ImageKeys;
import io.kmod4j.devsim.image.Version;
import io.kmod4j.tftp.ProgressListener;
import io.kmod4j.tftp.TftpCancelledException;
import io.kmod4j.tftp.TftpClient;
import io.kmod4j.tftp.TftpErrorException;
import io.kmod4j.tftp.TransferOptions;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlashDeviceTest {

    private static final byte[] V1 = image("1.0.0", 300_000, 1);
    private static final byte[] V2 = image("2.0.0", 400_000, 2);

    @TempDir
    Path tmp;
    private FlashDevice device;

    private FlashDevice start(FaultPlan faults, Duration selfTest) throws Exception {
        Path initial = Fixture.write(tmp, "v1.img", V1);
        device = FlashDevice.start(DeviceConfig.of(tmp.resolve("state"))
                .withInitialImage(Optional.of(initial))
                .withSelfTestDelay(selfTest)
                .withRetransmitTimeout(Duration.ofMillis(500))
                .withFaults(faults));
        return device;
    }

    private FlashDevice start() throws Exception {
        return start(FaultPlan.none(), Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        if (device != null) {
            device.close();
        }
    }

    private void assertRunsV1(DeviceStatus s) {
        assertThat(s.activeSlot()).hasValue(Slot.A);
        assertThat(s.activeVersion()).hasValue(new Version(1, 0, 0));
        assertThat(s.slotA().valid()).isTrue();
    }

    @Test
    void aFreshDeviceRunsItsInitialImage() throws Exception {
        start();
        DeviceStatus s = device.status();
        assertThat(s.state()).isEqualTo(DeviceState.IDLE);
        assertRunsV1(s);
        assertThat(s.slotB()).isEqualTo(DeviceStatus.SlotInfo.empty());
        Map<String, String> doc = readStatus(device.address());
        assertThat(doc).containsEntry("state", "idle").containsEntry("active-slot", "a")
                .containsEntry("active-version", "1.0.0").containsEntry("slot-a-valid", "yes")
                .containsEntry("slot-b-version", "none").containsEntry("trial", "none")
                .containsEntry("last-error", "none").containsKeys("bytes-received", "boot-count");
    }

    @Test
    void flashingSwitchesSlotsBootsOnTrialAndConfirms() throws Exception {
        start(FaultPlan.none(), Duration.ofMillis(300));
        upload(device.address(), V2, TransferOptions.recommended());
        // The final ACK came after verification and the switch: the device now boots on trial.
        DeviceStatus trial = device.status();
        assertThat(trial.state()).isIn(DeviceState.BOOTING, DeviceState.CONFIRMED);
        assertThat(trial.activeSlot()).hasValue(Slot.B);
        DeviceStatus s = awaitState(device, DeviceState.CONFIRMED);
        assertThat(s.activeVersion()).hasValue(new Version(2, 0, 0));
        assertThat(s.trial()).isEqualTo(DeviceStatus.Trial.CONFIRMED);
        assertThat(s.bytesReceived()).isEqualTo(V2.length);
        assertThat(s.bytesExpected()).hasValue(V2.length);
        assertThat(readStatus(device.address())).containsEntry("state", "confirmed").containsEntry("active-slot", "b")
                .containsEntry("slot-a-version", "1.0.0").containsEntry("slot-b-version", "2.0.0")
                .containsEntry("trial", "confirmed");
        assertThat(Files.readAllBytes(tmp.resolve("state/slot-b.img"))).isEqualTo(V2);

        device.restart();
        assertThat(device.status().activeVersion()).as("a confirmed image survives a reset")
                .hasValue(new Version(2, 0, 0));
        // And the next image goes to the now inactive slot A.
        byte[] v3 = image("3.0.0", 1000, 3);
        upload(device.address(), v3, TransferOptions.none());
        assertThat(awaitState(device, DeviceState.CONFIRMED).activeSlot()).hasValue(Slot.A);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void powerCutAtARandomBlockThenRestartBootsTheOldVerifiedImage(long seed) throws Exception {
        TransferOptions options = TransferOptions.none().withBlockSize(1024).withWindowSize(4);
        long blocks = V2.length / 1024 + 1;
        long cutAt = 1 + new java.util.Random(seed).nextLong(blocks);
        start(FaultPlan.builder().powerCutAtBlock(cutAt).build(), Duration.ofMillis(50));
        Throwable failure = Fixture.uploadIntoPowerCut(device.address(), V2, options);
        assertThat(failure).as("the upload cannot succeed once power is gone").isNotNull();
        assertThat(device.status().state()).isEqualTo(DeviceState.OFF);
        device.restart();
        DeviceStatus s = device.status();
        assertRunsV1(s);
        assertThat(s.state()).isEqualTo(DeviceState.IDLE);
        assertThat(s.slotB().valid()).as("the half-written slot does not verify").isFalse();
        // The device is fine: the same image flashes cleanly now (the fault was spent).
        upload(device.address(), V2, options);
        assertThat(awaitState(device, DeviceState.CONFIRMED).activeVersion()).hasValue(new Version(2, 0, 0));
    }

    @Test
    void powerCutHalfwayThroughTheBootRecordKeepsTheOldImage() throws Exception {
        start(FaultPlan.builder().powerCutInSwitch().build(), Duration.ofMillis(50));
        assertThat(Fixture.uploadIntoPowerCut(device.address(), V2, TransferOptions.none())).isNotNull();
        device.restart();
        assertRunsV1(device.status());
        assertThat(device.status().slotB().valid()).as("the new image was verified, just never switched to")
                .isTrue();
    }

    @Test
    void powerCutDuringTheTrialBootRevertsAtTheNextPowerOn() throws Exception {
        start(FaultPlan.none(), Duration.ofDays(1)); // the self-test never gets to run
        upload(device.address(), V2, TransferOptions.recommended());
        assertThat(awaitState(device, DeviceState.BOOTING).trial()).isEqualTo(DeviceStatus.Trial.PENDING);
        device.powerCut();
        device.restart();
        DeviceStatus s = device.status();
        assertRunsV1(s);
        assertThat(s.trial()).isEqualTo(DeviceStatus.Trial.REVERTED);
        assertThat(s.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("hw-error: the trial of slot B"));
    }

    @Test
    void failedSelfTestReverts() throws Exception {
        start(FaultPlan.builder().failSelfTest().build(), Duration.ofMillis(50));
        upload(device.address(), V2, TransferOptions.recommended());
        DeviceStatus s = awaitState(device, DeviceState.REVERTED);
        assertRunsV1(s);
        assertThat(s.trial()).isEqualTo(DeviceStatus.Trial.REVERTED);
        assertThat(s.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("hw-error: the self-test of 2.0.0"));
        device.restart();
        assertRunsV1(device.status());
    }

    @Test
    void aCorruptedBlockIsFirmwareInvalidAndNothingSwitches() throws Exception {
        start(FaultPlan.builder().corruptBlock(7).build(), Duration.ofMillis(50));
        TftpErrorException e = catchThrowableOfType(TftpErrorException.class,
                () -> upload(device.address(), V2, TransferOptions.recommended()));
        assertThat(FwUploadError.fromTftpError(e)).isEqualTo(FwUploadError.FIRMWARE_INVALID);
        assertThat(e.errorMessage()).startsWith("firmware-invalid: ").contains("payload-sha256");
        DeviceStatus s = device.status();
        assertThat(s.state()).isEqualTo(DeviceState.FAILED);
        assertRunsV1(s);
        assertThat(s.lastError()).hasValueSatisfying(m -> assertThat(m).startsWith("firmware-invalid"));
    }

    @Test
    void aForeignFileIsRefusedAsSoonAsItsHeaderArrives() throws Exception {
        start();
        byte[] junk = new byte[100_000];
        TftpErrorException e = catchThrowableOfType(TftpErrorException.class,
                () -> upload(device.address(), junk, TransferOptions.none()));
        assertThat(e.errorMessage()).startsWith("firmware-invalid: ").contains("'magic'");
        assertThat(device.status().bytesReceived()).as("refused within the first blocks").isLessThan(1024);
    }

    @Test
    void anOversizeTsizeIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path initial = Fixture.write(tmp, "v1.img", V1);
        device = FlashDevice.start(DeviceConfig.of(tmp.resolve("state")).withInitialImage(Optional.of(initial))
                .withSlotCapacity(350_000));
        Path slotB = tmp.resolve("state/slot-b.img");
        assertThat(slotB).doesNotExist();
        AtomicReference<Long> sent = new AtomicReference<>(0L);
        TftpErrorException e = catchThrowableOfType(TftpErrorException.class, () -> upload(device.address(), V2,
                TransferOptions.none().withTransferSize(true), (bytes, total) -> sent.set(bytes)));
        assertThat(e.errorCode()).isEqualTo(3);
        assertThat(FwUploadError.fromTftpError(e)).isEqualTo(FwUploadError.INVALID_FILE_SIZE);
        assertThat(e.errorMessage()).contains("tsize " + V2.length);
        assertThat(sent.get()).isZero();
        assertThat(slotB).as("not even opened").doesNotExist();
        assertThat(device.status().activeVersion()).hasValue(new Version(1, 0, 0));

        // Without tsize the device finds out while receiving, and still refuses.
        TftpErrorException late = catchThrowableOfType(TftpErrorException.class,
                () -> upload(device.address(), V2, TransferOptions.none()));
        assertThat(FwUploadError.fromTftpError(late)).isEqualTo(FwUploadError.INVALID_FILE_SIZE);
        assertThat(device.status().activeVersion()).hasValue(new Version(1, 0, 0));
    }

    @Test
    void aSecondUploadWhileOneRunsIsDeviceBusy() throws Exception {
        start(FaultPlan.none(), Duration.ofDays(1));
        CountDownLatch midway = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicReference<TftpErrorException> second = new AtomicReference<>();
        Thread first = Thread.ofPlatform().start(() -> {
            try {
                upload(device.address(), V2, TransferOptions.none(), (bytes, total) -> {
                    if (bytes > 100_000 && midway.getCount() > 0) {
                        midway.countDown();
                        try {
                            checked.await();
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(midway.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(device.status().state()).isEqualTo(DeviceState.RECEIVING);
        second.set(catchThrowableOfType(TftpErrorException.class,
                () -> upload(device.address(), image("9.9.9", 10, 9), TransferOptions.none())));
        checked.countDown();
        first.join();
        assertThat(FwUploadError.fromTftpError(second.get())).isEqualTo(FwUploadError.DEVICE_BUSY);
        assertThat(second.get().errorMessage()).isEqualTo("device-busy: the device is receiving");
        // During the trial boot, too.
        assertThat(awaitState(device, DeviceState.BOOTING).activeVersion()).hasValue(new Version(2, 0, 0));
        TftpErrorException third = catchThrowableOfType(TftpErrorException.class,
                () -> upload(device.address(), V1, TransferOptions.none()));
        assertThat(third.errorMessage()).isEqualTo("device-busy: the device is booting");
    }

    @Test
    void theSwitchingCriticalSectionIsVisibleInTheStatus() throws Exception {
        start(FaultPlan.builder().slowSwitch(Duration.ofMillis(1500)).build(), Duration.ofMillis(50));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread uploader = Thread.ofPlatform().start(() -> {
            try {
                upload(device.address(), V2, TransferOptions.recommended());
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        // A driver polls the status document; while it says "switching" it refuses cancel (EBUSY).
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, String> seen = readStatus(device.address());
        while (!seen.get("state").equals("switching")) {
            assertThat(System.nanoTime()).as("switching seen; last status %s", seen).isLessThan(end);
            seen = readStatus(device.address());
        }
        assertThat(seen).containsEntry("active-slot", "a").containsEntry("slot-b-valid", "yes");
        TftpErrorException busy = catchThrowableOfType(TftpErrorException.class,
                () -> upload(device.address(), V1, TransferOptions.none()));
        assertThat(busy.errorMessage()).isEqualTo("device-busy: the device is switching");
        uploader.join();
        assertThat(outcome.get()).isNull();
        assertThat(awaitState(device, DeviceState.CONFIRMED).activeVersion()).hasValue(new Version(2, 0, 0));
    }

    @ParameterizedTest
    @EnumSource(FwUploadError.class)
    void everyFwUploadErrorCanBeInjectedAndParsesBack(FwUploadError error) throws Exception {
        start(FaultPlan.builder().refuse(error).build(), Duration.ofMillis(50));
        TftpErrorException e = catchThrowableOfType(TftpErrorException.class,
                () -> upload(device.address(), V2, TransferOptions.none()));
        assertThat(FwUploadError.fromTftpError(e)).isEqualTo(error);
        assertThat(e.errorCode()).isEqualTo(error == FwUploadError.INVALID_FILE_SIZE ? 3 : 0);
        assertThat(e.errorMessage()).startsWith(error.wireName() + ": ");
        // Spent: the next upload goes through.
        upload(device.address(), V2, TransferOptions.none());
        assertThat(awaitState(device, DeviceState.CONFIRMED).activeVersion()).hasValue(new Version(2, 0, 0));
    }

    @Test
    void refusalAtABlockStopsTheTransferThere() throws Exception {
        start(FaultPlan.parse(java.util.List.of("refuse:flash-wearout@block=20"), 0), Duration.ofMillis(50));
        AtomicReference<Long> acked = new AtomicReference<>(0L);
        TftpErrorException e = catchThrowableOfType(TftpErrorException.class, () -> upload(device.address(), V2,
                TransferOptions.none(), (bytes, total) -> acked.set(bytes)));
        assertThat(FwUploadError.fromTftpError(e)).isEqualTo(FwUploadError.FLASH_WEAROUT);
        assertThat(acked.get()).isEqualTo(19 * 512L);
        assertThat(device.status().lastError()).hasValueSatisfying(m -> assertThat(m).startsWith("flash-wearout"));
    }

    @Test
    void injectedBusyThenSuccess() throws Exception {
        start(FaultPlan.parse(java.util.List.of("busy:2"), 0), Duration.ofMillis(50));
        for (int i = 0; i < 2; i++) {
            TftpErrorException e = catchThrowableOfType(TftpErrorException.class,
                    () -> upload(device.address(), V2, TransferOptions.none()));
            assertThat(FwUploadError.fromTftpError(e)).isEqualTo(FwUploadError.DEVICE_BUSY);
        }
        upload(device.address(), V2, TransferOptions.none());
        assertThat(awaitState(device, DeviceState.CONFIRMED).activeVersion()).hasValue(new Version(2, 0, 0));
    }

    @Test
    void lossyDuplicatingDelayingNetworkStillFlashesCorrectly() throws Exception {
        FaultPlan plan = FaultPlan.parse(java.util.List.of("drop:in:5", "drop:out:9", "dup:out:p=0.05",
                "dup:in:p=0.05", "delay:out:p=0.02:30ms", "drop:in:p=0.01", "hold-ack:40:400ms"), 42);
        start(plan, Duration.ofMillis(50));
        upload(device.address(), V2, TransferOptions.none().withBlockSize(1024).withWindowSize(8));
        DeviceStatus s = awaitState(device, DeviceState.CONFIRMED);
        assertThat(s.activeVersion()).hasValue(new Version(2, 0, 0));
        assertThat(Files.readAllBytes(tmp.resolve("state/slot-b.img"))).isEqualTo(V2);
    }

    @Test
    void signedImagesOnlyWhenTheDeviceHasATrustedKey() throws Exception {
        KeyPair keys = ImageKeys.generate();
        KeyPair other = ImageKeys.generate();
        byte[] signedV1 = image("1.0.0", 5000, 1, Optional.of(keys.getPrivate()));
        Path initial = Fixture.write(tmp, "s1.img", signedV1);
        device = FlashDevice.start(DeviceConfig.of(tmp.resolve("state")).withInitialImage(Optional.of(initial))
                .withTrustedKey(Optional.of(keys.getPublic())).withSelfTestDelay(Duration.ofMillis(20)));
        for (byte[] bad : new byte[][] {V2, image("2.0.0", 5000, 2, Optional.of(other.getPrivate()))}) {
            TftpErrorException e = catchThrowableOfType(TftpErrorException.class,
                    () -> upload(device.address(), bad, TransferOptions.recommended()));
            assertThat(FwUploadError.fromTftpError(e)).isEqualTo(FwUploadError.FIRMWARE_INVALID);
            assertThat(e.errorMessage()).contains("'signature'");
            assertThat(device.status().activeVersion()).hasValue(new Version(1, 0, 0));
        }
        upload(device.address(), image("2.0.0", 5000, 2, Optional.of(keys.getPrivate())), TransferOptions.recommended());
        assertThat(awaitState(device, DeviceState.CONFIRMED).activeVersion()).hasValue(new Version(2, 0, 0));
    }

    @Test
    void aClientCancelIsRecordedAsUserAbort() throws Exception {
        start();
        TftpClient client = Fixture.client(Duration.ofMillis(300));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                client.upload(device.address(), "firmware", new ByteArrayInputStream(V2), V2.length,
                        TransferOptions.none(), (bytes, total) -> {
                            if (bytes >= 50_000) {
                                Thread.ofPlatform().start(client::cancel);
                            }
                        });
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        t.join();
        assertThat(outcome.get()).isInstanceOf(TftpCancelledException.class);
        DeviceStatus s = awaitState(device, DeviceState.FAILED);
        assertThat(s.lastError()).hasValueSatisfying(m -> assertThat(m).startsWith("user-abort: "));
        assertRunsV1(s);
    }

    @Test
    void onlyFirmwareCanBeWrittenAndOnlyStatusRead() throws Exception {
        start();
        TftpErrorException w = catchThrowableOfType(TftpErrorException.class, () -> Fixture.client(Duration.ofMillis(300))
                .upload(device.address(), "status", new ByteArrayInputStream(V2), V2.length, TransferOptions.none(),
                        ProgressListener.NONE));
        assertThat(w.errorCode()).isEqualTo(2);
        TftpErrorException r = catchThrowableOfType(TftpErrorException.class, () -> Fixture.client(Duration.ofMillis(300))
                .download(device.address(), "firmware", new java.io.ByteArrayOutputStream(), TransferOptions.none(),
                        ProgressListener.NONE));
        assertThat(r.errorCode()).isEqualTo(1);
    }

    @Test
    void withBothBootRecordCopiesGoneTheNewestVerifiedSlotStillBoots() throws Exception {
        start();
        upload(device.address(), V2, TransferOptions.recommended());
        awaitState(device, DeviceState.CONFIRMED);
        device.close();
        Files.delete(tmp.resolve("state/boot-record-0.bin"));
        Files.write(tmp.resolve("state/boot-record-1.bin"), new byte[] {1, 2, 3}); // garbage
        device = FlashDevice.start(DeviceConfig.of(tmp.resolve("state"))
                .withInitialImage(Optional.of(tmp.resolve("v1.img"))));
        assertThat(device.status().activeSlot()).hasValue(Slot.B);
        assertThat(device.status().activeVersion()).as("not reinstalled from the initial image")
                .hasValue(new Version(2, 0, 0));
    }

    @Test
    void theNewerOfTwoBootRecordCopiesWinsAndATornOneIsIgnored() throws Exception {
        Path dir = tmp.resolve("records");
        Flash flash = new Flash(dir);
        BootRecord r1 = BootRecord.empty().next(Optional.of(Slot.A), false, Optional.empty());
        BootRecord r2 = r1.next(Optional.of(Slot.B), true, Optional.of(Slot.A));
        flash.writeRecord(r1);
        flash.writeRecord(r2);
        assertThat(flash.loadRecord()).hasValue(r2);
        BootRecord r3 = r2.next(Optional.of(Slot.A), false, Optional.empty());
        flash.writeTornRecord(r3); // overwrites r1's copy, torn
        assertThat(flash.loadRecord()).hasValue(r2);
        flash.writeRecord(r3); // goes over the torn copy again
        assertThat(flash.loadRecord()).hasValue(r3);
        flash.writeRecord(r3.next(Optional.of(Slot.B), false, Optional.empty()));
        assertThat(flash.loadRecord().orElseThrow().sequence()).isEqualTo(4);
        flash.powerOff();
        assertThat(catchThrowableOfType(Flash.PowerLossException.class, () -> flash.writeRecord(r1))).isNotNull();
    }
}
