package io.kmod4j.runtime.firmware;

import static io.kmod4j.runtime.firmware.Fixtures.dmesg;
import static io.kmod4j.runtime.firmware.Fixtures.errno;
import static io.kmod4j.runtime.firmware.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.internal.OwnedResource;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fw_upload: states, errors, remaining size, errno rules, cancel and unregister. */
class FwUploadTest {

    static final String NAME = "flash0";

    @TempDir
    Path tmp;

    LogRing log = new LogRing();
    FirmwareLoader loader;
    TestDevice dev;
    ManualExecutor kworker = new ManualExecutor();
    ExecutorOwner owner = new ExecutorOwner(new TestOwner("drv"), kworker);
    ScriptedOps ops = new ScriptedOps();
    FwUpload upload;
    List<UploadStatus> seen = new CopyOnWriteArrayList<>();
    AutoCloseable watch;

    @BeforeEach
    void register() throws Exception {
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(tmp).fallbackEnabled(false).build(), log,
                new ManualScheduler());
        dev = new TestDevice("dev0", loader, log);
        upload = owner.call(() -> FwUpload.register(dev, NAME, ops));
        watch = loader.watchUploads(seen::add);
    }

    @AfterEach
    void unregister() throws Exception {
        watch.close();
        ops.gated = false;
        Async<Integer> drain = Async.start("drain", kworker::runAll);
        upload.close();
        drain.get();
    }

    UploadStatus status() throws KernelException {
        return loader.uploadStatus(NAME);
    }

    List<FwUploadProgress> progressSeen() {
        return seen.stream().map(UploadStatus::progress).distinct().toList();
    }

    /** Runs the worker on its own thread (it may block in a gated write). */
    Async<Integer> runWorker() {
        return Async.start("kworker", kworker::runAll);
    }

    @Nested
    class States {
        @Test
        void aSuccessfulUploadGoesThroughEveryStateAndRemainingSizeFalls() throws Exception {
            assertThat(status()).isEqualTo(new UploadStatus(NAME, "dev0", FwUploadProgress.IDLE, 0, 0, ""));
            ops.chunk = 4;
            loader.upload(NAME, new byte[10]);
            assertThat(status().progress()).isEqualTo(FwUploadProgress.RECEIVING);
            assertThat(status().remainingSize()).isEqualTo(10);
            assertThat(upload.progress()).isEqualTo(FwUploadProgress.RECEIVING);

            kworker.runAll();
            assertThat(ops.calls).containsExactly("prepare 10", "write 0 10", "write 4 6", "write 8 2", "poll", "cleanup");
            assertThat(progressSeen()).containsExactly(FwUploadProgress.RECEIVING, FwUploadProgress.PREPARING,
                    FwUploadProgress.TRANSFERRING, FwUploadProgress.PROGRAMMING, FwUploadProgress.IDLE);
            assertThat(seen.stream().filter(s -> s.progress() == FwUploadProgress.TRANSFERRING)
                    .map(UploadStatus::remainingSize).distinct().toList()).containsExactly(10L, 6L, 2L, 0L);
            assertThat(status()).isEqualTo(new UploadStatus(NAME, "dev0", FwUploadProgress.IDLE, 10, 0, ""));
            assertThat(upload.error()).isEmpty();
            assertThat(dmesg(log)).contains("platform dev0: fw_upload flash0: receiving 10 bytes",
                    "fw_upload flash0: preparing", "fw_upload flash0: transferring",
                    "fw_upload flash0: programming", "fw_upload flash0: idle, upload complete");
        }

        @Test
        void theOpsRunAsTheRegisteringOwnerOnItsKworker() throws Exception {
            List<Object> owners = new CopyOnWriteArrayList<>();
            upload.close();
            upload = owner.call(() -> FwUpload.register(dev, NAME, new ScriptedOps() {
                @Override
                public void pollComplete(FwUpload u) {
                    owners.add(io.kmod4j.internal.Ownership.current());
                }
            }));
            loader.upload(NAME, new byte[3]);
            kworker.runAll();
            assertThat(owners).containsExactly(owner);
        }

        @Test
        void aZeroByteImageJustResets() throws Exception {
            loader.upload(NAME, new byte[0]);
            assertThat(kworker.pending()).isZero();
            assertThat(status().progress()).isEqualTo(FwUploadProgress.IDLE);
            assertThat(ops.calls).isEmpty();
        }

        @Test
        void startingWhileAnUploadRunsIsEbusy() throws Exception {
            loader.upload(NAME, new byte[4]);
            errno(Errno.EBUSY, () -> loader.upload(NAME, new byte[4]));
            kworker.runAll();
            loader.upload(NAME, new byte[4]);
            kworker.runAll();
        }

        @Test
        void theErrorFileIsEbusyWhileAnUploadRuns() throws Exception {
            loader.upload(NAME, new byte[4]);
            errno(Errno.EBUSY, upload::error);
            errno(Errno.EBUSY, () -> loader.uploadError(NAME));
            kworker.runAll();
            assertThat(loader.uploadError(NAME)).isEmpty();
        }

        @Test
        void aFileUploadsAsItIsAndTheDeviceNameFindsItsUpload() throws Exception {
            Path image = write(tmp.resolve("image.bin"), "0123456789");
            loader.upload("dev0", image);
            kworker.runAll();
            assertThat(loader.uploadStatus("dev0").size()).isEqualTo(10);
            errno(Errno.ENOENT, () -> loader.upload("nobody", image));
            errno(Errno.ENOENT, () -> loader.upload(NAME, tmp.resolve("missing.bin")));
        }

        @Test
        void awaitUploadReturnsWhenIdle() throws Exception {
            loader.upload(NAME, new byte[4]);
            assertThat(loader.awaitUpload(NAME, Duration.ZERO).busy()).isTrue();
            Async<Integer> w = runWorker();
            assertThat(loader.awaitUpload(NAME, Await.PATIENCE).busy()).isFalse();
            w.get();
        }
    }

    @Nested
    class Errors {
        @Test
        void aPrepareFailureIsRecordedAndCleanupIsSkipped() throws Exception {
            ops.prepareError = FwUploadError.FW_INVALID;
            loader.upload(NAME, new byte[8]);
            kworker.runAll();
            assertThat(ops.calls).containsExactly("prepare 8");
            assertThat(upload.error()).contains("preparing:firmware-invalid");
            assertThat(status()).isEqualTo(new UploadStatus(NAME, "dev0", FwUploadProgress.IDLE, 8, 8,
                    "preparing:firmware-invalid"));
            assertThat(dmesg(log)).contains("fw_upload flash0: preparing:firmware-invalid");
        }

        @Test
        void aWriteFailureKeepsTheRemainingSizeAndRunsCleanup() throws Exception {
            ops.chunk = 3;
            ops.failWrite = 2;
            ops.writeError = FwUploadError.HW_ERROR;
            loader.upload(NAME, new byte[10]);
            kworker.runAll();
            assertThat(ops.calls).containsExactly("prepare 10", "write 0 10", "write 3 7", "cleanup");
            assertThat(upload.error()).contains("transferring:hw-error");
            assertThat(upload.remainingSize()).isEqualTo(7);
        }

        @Test
        void aWriteOfZeroBytesIsAReadWriteError() throws Exception {
            ops.zeroWrite = true;
            loader.upload(NAME, new byte[5]);
            kworker.runAll();
            assertThat(upload.error()).contains("transferring:read-write-error");
            assertThat(dmesg(log)).contains("write-op wrote zero data");
            assertThat(ops.calls).containsExactly("prepare 5", "write 0 5", "cleanup");
            assertThat(upload.remainingSize()).isEqualTo(5);
        }

        @Test
        void aPollFailureIsRecordedInProgrammingAndCleanupRuns() throws Exception {
            ops.pollError = FwUploadError.TIMEOUT;
            loader.upload(NAME, new byte[5]);
            kworker.runAll();
            assertThat(upload.error()).contains("programming:timeout");
            assertThat(ops.calls).endsWith("poll", "cleanup");
            assertThat(upload.remainingSize()).isZero();
        }

        @Test
        void everyErrorHasLinuxsWord() throws Exception {
            for (FwUploadError e : FwUploadError.values()) {
                if (e == FwUploadError.NONE) {
                    continue;
                }
                ops.pollError = e;
                loader.upload(NAME, new byte[1]);
                kworker.runAll();
                assertThat(upload.error()).contains("programming:" + e.text());
            }
            assertThat(java.util.Arrays.stream(FwUploadError.values()).map(FwUploadError::text)).containsExactly(
                    "none", "hw-error", "timeout", "user-abort", "device-busy", "invalid-file-size",
                    "read-write-error", "flash-wearout", "firmware-invalid");
        }

        @Test
        void aNewUploadClearsTheOldErrorButRemainingSizeIsOnlyResetByTheNextStart() throws Exception {
            ops.failWrite = 1;
            ops.writeError = FwUploadError.WEAROUT;
            loader.upload(NAME, new byte[6]);
            kworker.runAll();
            assertThat(status().error()).isEqualTo("transferring:flash-wearout");
            assertThat(status().remainingSize()).isEqualTo(6);

            ops.failWrite = -1;
            loader.upload(NAME, new byte[4]);
            assertThat(status().error()).isEmpty();
            assertThat(status().remainingSize()).isEqualTo(4);
            kworker.runAll();
            assertThat(upload.error()).isEmpty();
        }

        @Test
        void anOpThatThrowsAnythingElseIsAHardwareError() throws Exception {
            upload.close();
            upload = owner.call(() -> FwUpload.register(dev, NAME, new ScriptedOps() {
                @Override
                public void pollComplete(FwUpload u) {
                    throw new IllegalStateException("driver bug");
                }
            }));
            loader.upload(NAME, new byte[1]);
            kworker.runAll();
            assertThat(upload.error()).contains("programming:hw-error");
        }
    }

    @Nested
    class Cancel {
        @Test
        void cancelWhileIdleIsEnodevButTheDriversCancelIsStillCalled() {
            errno(Errno.ENODEV, () -> loader.cancelUpload(NAME));
            assertThat(ops.calls).containsExactly("cancel");
        }

        @Test
        void cancelWhileTransferringEndsTheUploadWithUserAbort() throws Exception {
            ops.gated = true;
            loader.upload(NAME, new byte[8]);
            Async<Integer> w = runWorker();
            Await.until("writing", () -> ops.writesEntered() == 1);
            assertThat(status().progress()).isEqualTo(FwUploadProgress.TRANSFERRING);
            loader.cancelUpload(NAME);
            assertThat(loader.awaitUpload(NAME, Await.PATIENCE).busy()).isFalse();
            assertThat(upload.error()).contains("transferring:user-abort");
            assertThat(upload.remainingSize()).isEqualTo(8);
            assertThat(ops.calls).containsExactly("prepare 8", "write 0 8", "cancel", "cleanup");
            w.get();
        }

        @Test
        void cancelDuringTheDevicesCriticalSectionIsEbusyAndTheUploadCarriesOn() throws Exception {
            ops.gated = true;
            ops.critical = true;
            loader.upload(NAME, new byte[8]);
            Async<Integer> w = runWorker();
            Await.until("writing", () -> ops.writesEntered() == 1);
            KernelException e = errno(Errno.EBUSY, () -> loader.cancelUpload(NAME));
            assertThat(e.getMessage()).contains("boot slots");
            ops.permits.release();
            assertThat(loader.awaitUpload(NAME, Await.PATIENCE).busy()).isFalse();
            assertThat(upload.error()).isEmpty();
            w.get();
        }
    }

    @Nested
    class Registration {
        @Test
        void anEmptyNameOrMissingOpsIsEinvalAndADuplicateNameIsEexist() throws Exception {
            errno(Errno.EINVAL, () -> owner.call(() -> FwUpload.register(dev, "", ops)));
            errno(Errno.EINVAL, () -> owner.call(() -> FwUpload.register(dev, null, ops)));
            errno(Errno.EINVAL, () -> owner.call(() -> FwUpload.register(dev, "x", null)));
            errno(Errno.EINVAL, () -> owner.call(() -> FwUpload.register(dev, "a/b", ops)));
            errno(Errno.EEXIST, () -> owner.call(() -> FwUpload.register(dev, NAME, ops)));
            assertThat(loader.uploads()).extracting(UploadStatus::name).containsExactly(NAME);
        }

        @Test
        void theUploadIsOwnedByItsRegistrantAndItsNameIsFreeAgainOnceClosed() throws Exception {
            assertThat(owner.base().resources()).singleElement().extracting(OwnedResource::kind).isEqualTo("firmware upload");
            upload.close();
            upload.close();
            assertThat(owner.base().resourceCount()).isZero();
            assertThat(loader.uploads()).isEmpty();
            errno(Errno.ENOENT, () -> loader.upload(NAME, new byte[1]));
            upload = owner.call(() -> FwUpload.register(dev, NAME, ops));
            assertThat(loader.uploads()).hasSize(1);
        }

        @Test
        void unregisteringDuringAnUploadCancelsItWaitsForTheWorkerThenRemovesIt() throws Exception {
            ops.gated = true;
            Supplier<UploadStatus> view = loader.upload(NAME, new byte[8]);
            Async<Integer> w = runWorker();
            Await.until("writing", () -> ops.writesEntered() == 1);
            upload.close();
            assertThat(ops.calls).as("the worker finished before close returned")
                    .containsExactly("prepare 8", "write 0 8", "cancel", "cleanup");
            assertThat(upload.progress()).isEqualTo(FwUploadProgress.IDLE);
            assertThat(loader.uploads()).isEmpty();
            assertThat(owner.base().resourceCount()).isZero();
            errno(Errno.ENOENT, () -> loader.uploadStatus(NAME));
            // Gone by name, but the view its starter holds still says how it ended.
            assertThat(view.get().progress()).isEqualTo(FwUploadProgress.IDLE);
            assertThat(view.get().error()).isEqualTo("transferring:user-abort");
            w.get();
        }

        @Test
        void unregisteringWaitsForTheWorkerEvenWhenTheDeviceRefusesToCancel() throws Exception {
            ops.gated = true;
            ops.critical = true;
            loader.upload(NAME, new byte[8]);
            Async<Integer> w = runWorker();
            Await.until("writing", () -> ops.writesEntered() == 1);
            Async<Void> close = Async.start("remove", () -> {
                upload.close();
                return null;
            });
            Await.until("cancel tried", () -> ops.calls.contains("cancel"));
            Await.blocked(close.thread());
            assertThat(loader.uploads()).as("still there while the worker runs").hasSize(1);
            errno(Errno.ENODEV, () -> loader.upload(NAME, new byte[1])); // no new upload once unregistering
            ops.permits.release();
            close.get();
            assertThat(loader.uploads()).isEmpty();
            assertThat(ops.calls).endsWith("poll", "cleanup");
            w.get();
        }

        @Test
        void closingFromItsOwnOpIsIllegalState() throws Exception {
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            upload.close();
            upload = owner.call(() -> FwUpload.register(dev, NAME, new ScriptedOps() {
                @Override
                public void pollComplete(FwUpload u) {
                    try {
                        u.close();
                    } catch (Throwable t) {
                        thrown.add(t);
                    }
                }
            }));
            loader.upload(NAME, new byte[1]);
            kworker.runAll();
            assertThat(thrown).singleElement().isInstanceOf(IllegalStateException.class);
        }

        @Test
        void anOwnerGoingAwayUnregistersAnUploadItForgot() throws Exception {
            ops.gated = true;
            loader.upload(NAME, new byte[8]);
            Async<Integer> w = runWorker();
            Await.until("writing", () -> ops.writesEntered() == 1);
            OwnedResource r = owner.base().resources().getFirst();
            assertThat(r.describe()).contains("transferring");
            r.requestStop();
            assertThat(r.awaitQuiescent(Await.PATIENCE)).isTrue();
            assertThat(loader.uploads()).isEmpty();
            assertThat(dmesg(log)).contains("fw_upload flash0 is still registered as drv goes away");
            assertThat(upload.error()).contains("transferring:user-abort");
            w.get();
        }

        @Test
        void aStoppedOwnerTakesNoNewUpload() throws Exception {
            owner.base().resources().getFirst().requestStop();
            errno(Errno.ENODEV, () -> loader.upload(NAME, new byte[1]));
            assertThatThrownBy(() -> loader.uploadStatus("nobody")).isInstanceOf(KernelException.class);
            assertThat(Optional.of(status().progress())).contains(FwUploadProgress.IDLE);
        }
    }
}
