package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.firmware.UploadStatus;
import io.kmod4j.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kmod4j fw upload, status and cancel against a host driver whose upload ops the test drives:
 * each write of at most 1000 bytes waits for a permit, so the test sees the progress move.
 */
class FwUploadCliTest extends CliTestBase {

    final TestDrivers.GatedOps ops = new TestDrivers.GatedOps();
    Path image;

    @BeforeEach
    void flashDevice() throws Exception {
        kernel.registerDriver(TestDrivers.flashes(ops));
        kernel.addDevice(DeviceSpec.of("flash0", "test,flash", Map.of()));
        image = Files.write(dir.resolve("flash0.img"), new byte[3000]);
    }

    private UploadStatus status() throws Exception {
        return kernel.firmware().uploadStatus("flash0");
    }

    /** Lets the {@code n}th write through (once it waits) and waits until the upload has taken it. */
    private void letWrite(int n) {
        Await.until("write " + n + " waits", () -> ops.writesEntered.get() >= n);
        ops.permits.release();
        Await.until("write " + n + " done", () -> {
            try {
                return status().written() >= Math.min(3000, n * 1000L) || !status().busy();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void uploadDrawsALiveProgressBarAndEndsWithADoneLine() throws Exception {
        Live upload = live("fw upload", "flash0", image.toString());
        Await.until("the first write waits", () -> ops.writesEntered.get() == 1);
        Await.until("the bar is drawn", () -> upload.err.toString().startsWith("\rflash0   0% ["));
        letWrite(1);
        try {
            Await.until("the bar shows a third", () -> upload.err.toString().contains("\rflash0  33% ["));
        } catch (AssertionError e) {
            throw new AssertionError(upload.out + "|" + upload.err.toString().replace("\r", "<CR>\n"), e);
        }
        assertThat(kmod4j("fw status")).isEqualTo(new Run(0, """
                UPLOAD  DEVICE  PROGRESS      SIZE  REMAINING  ERROR
                flash0  flash0  transferring  3000  2000       -
                """, ""));
        letWrite(2);
        Await.until("the bar shows two thirds", () -> upload.err.toString().contains("\rflash0  66% ["));
        ops.permits.release();
        Run r = upload.end();
        assertThat(r.code()).isZero();
        assertThat(r.out()).matches("fw upload: flash0: done, 3000 bytes in \\d+\\.\\d s\n");
        // \r-separated redraws of one line, the last one full, then the line ends
        assertThat(r.err()).doesNotContain("\n\r").matches("(?s)(\r[^\r\n]*)+\n")
                .contains("\rflash0 100% [").endsWith("B/s done\n");
        for (String redraw : r.err().strip().split("\r")) {
            assertThat(redraw.length()).isLessThanOrEqualTo(79);
        }
        assertThat(kmod4j("fw status", "flash0")).isEqualTo(new Run(0, """
                UPLOAD  DEVICE  PROGRESS  SIZE  REMAINING  ERROR
                flash0  flash0  idle      3000  0          -
                """, ""));
    }

    @Test
    void aFailingWriteEndsWithTheStateAndErrorAndExit1() throws Exception {
        ops.failWrite = 2;
        Live upload = live("fw upload", "flash0", image.toString());
        letWrite(1);
        ops.permits.release();
        Run r = upload.end();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("\rflash0  33% [").endsWith("B/s failed\n"
                + "fw upload: ERROR: flash0: transferring:hw-error (EIO)\n");
        assertThat(kmod4j("fw status")).isEqualTo(new Run(0, """
                UPLOAD  DEVICE  PROGRESS  SIZE  REMAINING  ERROR
                flash0  flash0  idle      3000  2000       transferring:hw-error
                """, ""));
        assertThat(kmod4j("fw status", "--json", "flash0")).isEqualTo(new Run(0, "{\"name\":\"flash0\",\"device\":\"flash0\","
                + "\"progress\":\"idle\",\"size\":3000,\"remainingSize\":2000,\"written\":1000,\"error\":\"transferring:hw-error\"}\n", ""));
    }

    @Test
    void jsonPrintsEveryStatusOnItsOwnLineThenTheOutcome() throws Exception {
        Live upload = live("fw upload", "--json", "flash0", image.toString());
        Await.until("the first write waits", () -> ops.writesEntered.get() == 1);
        letWrite(1);
        try {
            Await.until("1000 bytes reported", () -> upload.out.toString().contains("\"remainingSize\":2000"));
        } catch (AssertionError e) {
            throw new AssertionError(upload.out + "|" + upload.err + "|" + kernel.dmesg(), e);
        }
        letWrite(2);
        Await.until("2000 bytes reported", () -> upload.out.toString().contains("\"remainingSize\":1000"));
        ops.permits.release();
        Run r = upload.end();
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        String[] lines = r.out().split("\n");
        String status = "{\"name\":\"flash0\",\"device\":\"flash0\",\"progress\":\"%s\",\"size\":3000,\"remainingSize\":%d,"
                + "\"written\":%d,\"error\":\"\"}";
        assertThat(lines).contains(status.formatted("transferring", 2000, 1000), status.formatted("transferring", 1000, 2000),
                status.formatted("programming", 0, 3000));
        assertThat(lines[lines.length - 2]).isEqualTo(status.formatted("idle", 0, 3000));
        assertThat(lines[lines.length - 1].replaceAll("\"elapsedNanos\":\\d+", "\"elapsedNanos\":N")).isEqualTo(
                "{\"outcome\":\"done\",\"upload\":" + status.formatted("idle", 0, 3000) + ",\"elapsedNanos\":N,\"errno\":null}");
        // states only move forward
        int last = -1;
        for (String line : lines) {
            for (FwUploadProgress p : FwUploadProgress.values()) {
                if (line.startsWith("{\"name\"") && line.contains("\"progress\":\"" + p.text() + "\"")) {
                    int at = p == FwUploadProgress.IDLE ? FwUploadProgress.values().length : p.ordinal();
                    assertThat(at).as(line).isGreaterThanOrEqualTo(last);
                    last = at;
                }
            }
        }
    }

    @Test
    void noWaitStartsTheUploadAndReturns() throws Exception {
        assertThat(kmod4j("fw upload", "flash0", image.toString(), "--no-wait"))
                .isEqualTo(new Run(0, "fw upload: flash0: started, 3000 bytes\n", ""));
        assertThat(status().busy()).isTrue();
        assertThat(kmod4j("fw upload", "flash0", image.toString())).isEqualTo(new Run(1, "",
                "fw upload: ERROR: fw_upload flash0: an upload is in progress (" + status().progress().text() + ") (EBUSY)\n"));
        ops.permits.release(3);
        assertThat(kernel.firmware().awaitUpload("flash0", Await.PATIENCE).error()).isEmpty();
        Run json = kmod4j("fw upload", "--json", "--no-wait", "flash0", image.toString());
        assertThat(json.code()).isZero();
        assertThat(json.out()).startsWith("{\"name\":\"flash0\",\"device\":\"flash0\",\"progress\":\"").endsWith(
                "\",\"size\":3000,\"remainingSize\":3000,\"written\":0,\"error\":\"\"}\n");
        ops.permits.release(3);
        kernel.firmware().awaitUpload("flash0", Await.PATIENCE);
    }

    @Test
    void cancelIsEnodevWhenIdleEbusyInTheCriticalSectionAndOtherwiseAbortsTheUpload() throws Exception {
        assertThat(kmod4j("fw cancel", "flash0"))
                .isEqualTo(new Run(1, "", "fw cancel: ERROR: fw_upload flash0: no upload in progress (ENODEV)\n"));
        Live upload = live("fw upload", "flash0", image.toString());
        letWrite(1);
        ops.critical = true;
        assertThat(kmod4j("fw cancel", "flash0"))
                .isEqualTo(new Run(1, "", "fw cancel: ERROR: flash0 is switching boot slots; cancel refused (EBUSY)\n"));
        assertThat(status().busy()).isTrue();
        ops.critical = false;
        Run cancel = kmod4j("fw cancel", "--json", "flash0");
        assertThat(cancel.code()).isZero();
        assertThat(cancel.out()).startsWith("{\"name\":\"flash0\",\"device\":\"flash0\",\"progress\":\"");
        Run r = upload.end();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).endsWith("\nfw upload: ERROR: flash0: transferring:user-abort (ECANCELED)\n");
        assertThat(status().error()).isEqualTo("transferring:user-abort");
    }

    @Test
    void uploadAndStatusErrors() throws Exception {
        assertThat(kmod4j("fw upload", "ghost", image.toString())).isEqualTo(new Run(1, "",
                "fw upload: ERROR: no firmware upload called ghost and no device of that name has one (ENOENT)\n"));
        assertThat(kmod4j("fw status", "ghost")).isEqualTo(new Run(1, "",
                "fw status: ERROR: no firmware upload called ghost and no device of that name has one (ENOENT)\n"));
        assertThat(kmod4j("fw upload", "flash0", dir.resolve("none.img").toString())).isEqualTo(new Run(1, "",
                "fw upload: ERROR: " + dir.resolve("none.img") + ": no such file (ENOENT)\n"));
        assertThat(kmod4j("fw upload", "flash0").err()).startsWith("fw upload: ERROR: Missing required parameter: 'FILE'\n");
        assertThat(kmod4j("fw cancel").code()).isEqualTo(2);
        assertThat(kmod4j("fw status", "--json")).isEqualTo(new Run(0, "{\"uploads\":[{\"name\":\"flash0\",\"device\":\"flash0\","
                + "\"progress\":\"idle\",\"size\":0,\"remainingSize\":0,\"written\":0,\"error\":\"\"}]}\n", ""));
        assertThat(ops.writesEntered.get()).isZero();
        assertThat(FwUploadError.values()).isNotEmpty();
    }

    @Test
    void removingTheDeviceMidUploadEndsTheUploadAsAborted() throws Exception {
        Live upload = live("fw upload", "flash0", image.toString());
        letWrite(1);
        kernel.removeDevice("flash0"); // remove unregisters the upload: cancel, join the worker
        Run r = upload.end();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).endsWith("\nfw upload: ERROR: flash0: transferring:user-abort (ECANCELED)\n");
        assertThat(kmod4j("fw status").out()).isEqualTo("UPLOAD  DEVICE  PROGRESS  SIZE  REMAINING  ERROR\n");
    }
}
