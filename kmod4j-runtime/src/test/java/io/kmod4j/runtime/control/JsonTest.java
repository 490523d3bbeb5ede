package io.kmod4j.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.ModuleState;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.firmware.FirmwareLoader;
import io.kmod4j.runtime.firmware.PendingFallback;
import io.kmod4j.runtime.firmware.UploadStatus;
import io.kmod4j.runtime.module.ModuleIndex;
import io.kmod4j.runtime.testing.TestJars;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kmodtest.params.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every value survives the trip through JSON text unchanged. */
class JsonTest {

    @TempDir
    Path dir;

    /** encode, write as text, parse, decode. */
    private static JsonObject wire(Map<String, Object> encoded) throws KernelException {
        return JsonObject.of(Json.parse(Json.write(encoded), "reply", Errno.EPROTO), "result", Errno.EPROTO);
    }

    @Test
    void moduleStatusAndLsmodRoundTrip() throws Exception {
        ModuleStatus s = new ModuleStatus("fwcore", 1234, 2, List.of("fwuser", "tftp"), ModuleState.GOING, "1.0",
                Map.of("count", "3", "name", "x"), List.of("kthread 'fw'"), EnumSet.of(Taint.PROPRIETARY_MODULE, Taint.LEAKED));
        assertThat(Json.decodeModuleStatus(wire(Json.encode(s)))).isEqualTo(s);
        ControlClient.Lsmod l = new ControlClient.Lsmod(List.of(s), Set.of(Taint.FORCED_RMMOD), List.of("hello(Z):1"));
        assertThat(Json.decodeLsmod(wire(Json.encode(l)))).isEqualTo(l);
    }

    @Test
    void unloadReportRoundTripsAndFormatsTheSame() throws Exception {
        UnloadReport r = new UnloadReport("worker", "2.0", UnloadReport.Outcome.FORCED, Duration.ofNanos(1_234_567),
                Duration.ofMillis(5), Duration.ofNanos(1), Duration.ZERO, Duration.ofSeconds(1),
                List.of(new UnloadReport.Stopped("kthread", "worker-0", "stopped, result -4", Duration.ofMillis(3))),
                List.of(new UnloadReport.ThreadLeak("pool-1", true, "WAITING", "module frames on its stack", List.of("a.B.c(B.java:1)"))),
                List.of(new UnloadReport.Pin("thread-local", "on main")),
                UnloadReport.LoaderVerdict.NOT_COLLECTED, true, EnumSet.of(Taint.FORCED_RMMOD, Taint.LEAKED));
        UnloadReport back = Json.decodeUnloadReport(wire(Json.encode(r)));
        assertThat(back).isEqualTo(r);
        assertThat(back.format()).isEqualTo(r.format());
    }

    @Test
    void modInfoRoundTripsAndFormatsTheSame() throws Exception {
        Path jar = TestJars.module("params", Params.class).version("2.1").alias("of:kmod4j,test").firmware("fw.bin")
                .param("count", "int", "3", 0644, "count").writeTo(dir, "params.jar");
        ModInfo info = Kernel.modinfo(jar);
        ModInfo back = Json.decodeModInfo(wire(Json.encode(info)));
        assertThat(back).isEqualTo(info);
        assertThat(back.format()).isEqualTo(info.format());
    }

    @Test
    void logRecordAndDepmodRoundTrip() throws Exception {
        LogRecord rec = new LogRecord(42, Level.WARNING, 1_500_000_123L, "hello", "caf\u00e9 \"quoted\"\ttab");
        assertThat(Json.decodeLogRecord(wire(Json.encode(rec)))).isEqualTo(rec);
        ModuleIndex.DepmodResult d = new ModuleIndex.DepmodResult(dir, 3, 1, List.of("depmod: WARNING: x"));
        assertThat(Json.decodeDepmod(wire(Json.encode(d)))).isEqualTo(d);
    }

    @Test
    void deviceStatusRoundTrips() throws Exception {
        DeviceStatus d = new DeviceStatus("flash0", "platform", List.of("kmod4j,tftp-flash", "kmod4j,flash"),
                Map.of("port", "6969", "address", "127.0.0.1", "quote", "a\"b"), "deferred", "", "", "deferred: waiting for the PHY");
        assertThat(Json.decodeDeviceStatus(wire(Json.encode(d)))).isEqualTo(d);
        DeviceStatus bound = new DeviceStatus("led0", "platform", List.of("acme,led"), Map.of(), "bound", "acme-led", "kernel", "");
        assertThat(Json.decodeDeviceStatus(wire(Json.encode(bound)))).isEqualTo(bound);
        assertThat(Json.write(Json.encode(bound))).isEqualTo("{\"name\":\"led0\",\"bus\":\"platform\",\"compatible\":[\"acme,led\"],"
                + "\"properties\":{},\"state\":\"bound\",\"driver\":\"acme-led\",\"module\":\"kernel\",\"detail\":\"\"}");
    }

    @Test
    void firmwareValuesRoundTrip() throws Exception {
        for (FwUploadProgress p : FwUploadProgress.values()) {
            UploadStatus s = new UploadStatus("flash0", "dev0", p, 300_128, 1_000, p == FwUploadProgress.IDLE ? "transferring:hw-error" : "");
            assertThat(Json.decodeUploadStatus(wire(Json.encode(s)))).isEqualTo(s);
        }
        UploadStatus idle = new UploadStatus("flash0", "dev0", FwUploadProgress.IDLE, 3000, 0, "");
        assertThat(Json.write(Json.encode(idle))).isEqualTo("{\"name\":\"flash0\",\"device\":\"dev0\",\"progress\":\"idle\","
                + "\"size\":3000,\"remainingSize\":0,\"written\":3000,\"error\":\"\"}");

        PendingFallback p = new PendingFallback("acme/wifi.bin", "wlan0", 2, Duration.ofNanos(1_500_000_001L), Duration.ZERO);
        assertThat(Json.decodePendingFallback(wire(Json.encode(p)))).isEqualTo(p);
        FirmwareLoader.HeldImage h = new FirmwareLoader.HeldImage("a.bin", 5, 2, "(fallback)");
        assertThat(Json.decodeHeldImage(wire(Json.encode(h)))).isEqualTo(h);

        ControlClient.UploadResult done = new ControlClient.UploadResult(idle, Duration.ofMillis(812), null);
        assertThat(Json.decodeUploadResult(wire(Json.encode(done)))).isEqualTo(done);
        assertThat(Json.encode(done)).containsEntry("outcome", "done").containsEntry("errno", null);
        ControlClient.UploadResult failed = new ControlClient.UploadResult(
                new UploadStatus("flash0", "dev0", FwUploadProgress.IDLE, 3000, 2000, "transferring:hw-error"), Duration.ofNanos(7), Errno.EIO);
        assertThat(Json.decodeUploadResult(wire(Json.encode(failed)))).isEqualTo(failed);
        assertThat(Json.encode(failed)).containsEntry("outcome", "failed").containsEntry("errno", "EIO");
    }

    @Test
    void firmwareValuesOfAnotherShapeAreEprotoNamingTheField() throws Exception {
        JsonObject u = JsonObject.of(Json.parse("{\"name\":\"f\",\"device\":\"d\",\"progress\":\"flashing\",\"size\":1,"
                + "\"remainingSize\":0,\"error\":\"\"}", "reply", Errno.EPROTO), "result", Errno.EPROTO);
        assertThatThrownBy(() -> Json.decodeUploadStatus(u)).isInstanceOfSatisfying(KernelException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EPROTO)).hasMessage(
                "field 'result.progress' is not idle, receiving, preparing, transferring or programming: 'flashing'");
        JsonObject r = JsonObject.of(Json.parse("{\"errno\":\"EWHAT\"}", "reply", Errno.EPROTO), "result", Errno.EPROTO);
        assertThatThrownBy(() -> Json.decodeUploadResult(r)).hasMessage("field 'result.errno' is not an errno name: 'EWHAT'");
        JsonObject d = JsonObject.of(Json.parse("{\"name\":\"d\",\"bus\":\"platform\",\"compatible\":[],\"properties\":{\"a\":null}}",
                "reply", Errno.EPROTO), "result", Errno.EPROTO);
        assertThatThrownBy(() -> Json.decodeDeviceStatus(d)).hasMessage("field 'result.properties.a' must be a string, not null");
    }

    @Test
    void aReplyOfAnotherShapeIsEprotoNamingTheField() throws Exception {
        JsonObject o = JsonObject.of(Json.parse("{\"name\":\"x\",\"size\":\"big\"}", "reply", Errno.EPROTO), "result", Errno.EPROTO);
        assertThatThrownBy(() -> Json.decodeModuleStatus(o))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPROTO))
                .hasMessage("field 'result.size' must be an integer, not a string");
        JsonObject t = JsonObject.of(Json.parse("{\"taints\":\"Q\"}", "reply", Errno.EPROTO), "result", Errno.EPROTO);
        assertThatThrownBy(() -> Json.taints(t, "taints")).hasMessage("field 'result.taints' has an unknown taint letter 'Q'");
    }

    @Test
    void writtenJsonIsOneLineWhateverTheStrings() {
        assertThat(Json.write(Json.ordered("m", "a\nb\r\nc", "n", null))).isEqualTo("{\"m\":\"a\\nb\\r\\nc\",\"n\":null}");
    }
}
