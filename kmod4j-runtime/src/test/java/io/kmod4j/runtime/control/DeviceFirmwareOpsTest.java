package io.kmod4j.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadException;
import io.kmod4j.firmware.FwUploadOps;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import io.kmod4j.testing.Await;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver core's and the firmware loader's ops on the wire: argument checks, errnos passed through, the upload stream. */
class DeviceFirmwareOpsTest {

    @TempDir
    Path dir;

    Kernel kernel;
    ControlServer server;
    Path socket;

    @BeforeEach
    void start() throws Exception {
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(dir).unloadTimeout(Duration.ofSeconds(20))
                .firmware(FirmwareConfig.builder().roots(dir.resolve("firmware")).build()).build());
        socket = dir.resolve("run/control.sock");
        server = ControlServer.start(kernel, socket);
    }

    @AfterEach
    void stop() {
        server.close();
        kernel.close();
    }

    private static void assertError(Map<String, Object> reply, Errno errno, String message) {
        assertThat(reply).as("reply").containsEntry("ok", false).containsEntry("errno", errno.name())
                .containsEntry("code", errno.code()).containsEntry("message", message);
    }

    /** Asks on a fresh connection. */
    private Map<String, Object> ask(String line) throws Exception {
        try (RawClient c = new RawClient(socket)) {
            return c.askJson(line);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private void assertEinval(String line, String message) throws Exception {
        assertError(ask(line), Errno.EINVAL, message);
    }

    @Nested
    class Devices {
        @Test
        void badArgumentsAreEinvalNamingTheFieldAndAddNothing() throws Exception {
            assertEinval("{\"op\":\"devices\",\"args\":{\"all\":true}}", "unknown field 'args.all' (this takes no fields)");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"compatible\":\"x\"}}", "field 'args.name' is missing; it must be a string");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":7,\"compatible\":\"x\"}}", "field 'args.name' must be a string, not a number");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\"}}",
                    "field 'args.compatible' is missing; it must be a string or a non-empty array of strings");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":null}}",
                    "field 'args.compatible' must be a string or a non-empty array of strings, not null");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":7}}",
                    "field 'args.compatible' must be a string or a non-empty array of strings, not a number");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":[]}}", "field 'args.compatible' must not be an empty array");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":[\"x\",1]}}",
                    "field 'args.compatible[1]' must be a string, not a number");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":\"x\",\"properties\":[]}}",
                    "field 'args.properties' must be an object, not an array");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":\"x\",\"properties\":{\"port\":69}}}",
                    "field 'args.properties.port' must be a string, not a number");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":\"x\",\"properties\":{\"\":\"v\"}}}",
                    "field 'args.properties' has an empty name");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d 0\",\"compatible\":\"x\"}}",
                    "field 'args.name': device name 'd 0' must be 1-64 of [A-Za-z0-9_.:-]");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":[\"a b\"]}}",
                    "field 'args.compatible': device d0: compatible 'a b' must be one word");
            assertEinval("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":\"x\",\"bus\":\"pci\"}}",
                    "unknown field 'args.bus' (known: compatible, name, properties)");
            assertEinval("{\"op\":\"device.remove\",\"args\":{}}", "field 'args.name' is missing; it must be a string");
            assertEinval("{\"op\":\"device.remove\",\"args\":{\"name\":\"\"}}", "field 'args.name' must be a device name, not ''");
            assertEinval("{\"op\":\"bind\",\"args\":{\"device\":\"d0\"}}", "field 'args.driver' is missing; it must be a string");
            assertEinval("{\"op\":\"bind\",\"args\":{\"device\":\"d0\",\"driver\":\"a/b\"}}", "field 'args.driver' must be a driver name, not 'a/b'");
            assertEinval("{\"op\":\"unbind\",\"args\":{\"device\":[\"d0\"]}}", "field 'args.device' must be a string, not an array");
            assertThat(kernel.devices()).isEmpty();
        }

        @Test
        void addListRemoveAndTheKernelsErrnosPassThrough() throws Exception {
            Map<String, Object> added = ask("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":\"acme,x\","
                    + "\"properties\":{\"port\":\"69\"}}}");
            assertThat(added).containsEntry("ok", true);
            assertThat(added.get("result")).isEqualTo(Json.encode(kernel.device("d0").orElseThrow()));
            assertThat(kernel.device("d0").orElseThrow().properties()).isEqualTo(Map.of("port", "69"));
            assertError(ask("{\"op\":\"device.add\",\"args\":{\"name\":\"d0\",\"compatible\":[\"acme,x\"]}}"), Errno.EEXIST,
                    "device d0 already exists");
            assertThat(ask("{\"op\":\"devices\"}").get("result")).isEqualTo(Map.of("devices", List.of(Json.encode(kernel.device("d0").orElseThrow()))));
            assertError(ask("{\"op\":\"bind\",\"args\":{\"device\":\"d0\",\"driver\":\"none\"}}"), Errno.ENODEV, "no driver none");
            assertError(ask("{\"op\":\"unbind\",\"args\":{\"device\":\"d0\"}}"), Errno.ENODEV, "device d0 is not bound to a driver");
            assertThat(ask("{\"op\":\"device.remove\",\"args\":{\"name\":\"d0\"}}")).containsEntry("result", Map.of("name", "d0"));
            assertError(ask("{\"op\":\"device.remove\",\"args\":{\"name\":\"d0\"}}"), Errno.ENODEV, "no device d0");
        }
    }

    @Nested
    class Firmware {
        @Test
        void badArgumentsAreEinvalNamingTheField() throws Exception {
            assertEinval("{\"op\":\"fw.path\",\"args\":{\"path\":5}}", "field 'args.path' must be a string, not a number");
            assertEinval("{\"op\":\"fw.path\",\"args\":{\"path\":\"fw\"}}", "field 'args.path' must be an absolute path, not 'fw'");
            assertEinval("{\"op\":\"fw.held\",\"args\":{\"name\":\"x\"}}", "unknown field 'args.name' (this takes no fields)");
            assertEinval("{\"op\":\"fw.pending\",\"args\":{\"all\":1}}", "unknown field 'args.all' (this takes no fields)");
            assertEinval("{\"op\":\"fw.load\",\"args\":{\"name\":\"a.bin\"}}", "field 'args.path' is missing; it must be a string");
            assertEinval("{\"op\":\"fw.load\",\"args\":{\"name\":\"\",\"path\":\"/x\"}}", "field 'args.name' must be a non-empty name");
            assertEinval("{\"op\":\"fw.load\",\"args\":{\"name\":\"a.bin\",\"path\":\"a.bin\"}}",
                    "field 'args.path' must be an absolute path, not 'a.bin'");
            assertEinval("{\"op\":\"fw.abort\",\"args\":{}}", "field 'args.name' is missing; it must be a string");
            assertEinval("{\"op\":\"fw.abort\",\"args\":{\"name\":\"a\\u0000b\"}}", "field 'args.name' must be a non-empty name without NUL");
            assertEinval("{\"op\":\"fw.upload\",\"args\":{\"name\":\"flash0\",\"path\":\"/x.img\",\"wait\":\"yes\"}}",
                    "field 'args.wait' must be a boolean (true or false), not a string");
            assertEinval("{\"op\":\"fw.upload\",\"args\":{\"name\":\"flash0\"}}", "field 'args.path' is missing; it must be a string");
            assertEinval("{\"op\":\"fw.upload\",\"args\":{\"name\":\"flash0\",\"path\":\"x.img\"}}",
                    "field 'args.path' must be an absolute path, not 'x.img'");
            assertEinval("{\"op\":\"fw.upload\",\"args\":{\"name\":\"flash0\",\"path\":\"/x.img\",\"force\":true}}",
                    "unknown field 'args.force' (known: name, path, wait)");
            assertEinval("{\"op\":\"fw.status\",\"args\":{\"name\":5}}", "field 'args.name' must be a string, not a number");
            assertEinval("{\"op\":\"fw.cancel\",\"args\":{}}", "field 'args.name' is missing; it must be a string");
        }

        @Test
        void theLoadersErrnosPassThroughAndPathSetsAndClearsTheOverride() throws Exception {
            Path file = Files.writeString(dir.resolve("a.bin"), "x");
            assertError(ask("{\"op\":\"fw.load\",\"args\":{\"name\":\"a.bin\",\"path\":\"" + file + "\"}}"), Errno.ENOENT,
                    "no request is waiting for firmware a.bin");
            assertError(ask("{\"op\":\"fw.abort\",\"args\":{\"name\":\"a.bin\"}}"), Errno.ENOENT, "no request is waiting for firmware a.bin");
            assertError(ask("{\"op\":\"fw.upload\",\"args\":{\"name\":\"flash0\",\"path\":\"" + file + "\"}}"), Errno.ENOENT,
                    "no firmware upload called flash0 and no device of that name has one");
            assertError(ask("{\"op\":\"fw.cancel\",\"args\":{\"name\":\"flash0\"}}"), Errno.ENOENT,
                    "no firmware upload called flash0 and no device of that name has one");
            assertThat(ask("{\"op\":\"fw.status\"}").get("result")).isEqualTo(Map.of("uploads", List.of()));
            assertThat(ask("{\"op\":\"fw.held\"}").get("result")).isEqualTo(Map.of("images", List.of()));
            assertThat(ask("{\"op\":\"fw.pending\"}").get("result")).isEqualTo(Map.of("pending", List.of()));

            Map<String, Object> set = ask("{\"op\":\"fw.path\",\"args\":{\"path\":\"" + dir + "/./over\"}}");
            assertThat(kernel.firmware().overridePath()).isEqualTo(dir + "/over");
            assertThat(set.get("result")).isEqualTo(Map.of("override", dir + "/over",
                    "searchPath", kernel.firmware().searchPath().stream().map(Path::toString).toList()));
            assertThat(ask("{\"op\":\"fw.path\",\"args\":{\"path\":\"\"}}")).containsEntry("ok", true);
            assertThat(kernel.firmware().overridePath()).isEmpty();
        }

        @Test
        void eachUploadErrorHasAnErrno() {
            assertThat(FirmwareOps.errnoOf("")).isEmpty();
            Map<FwUploadError, Errno> expected = Map.of(FwUploadError.HW_ERROR, Errno.EIO, FwUploadError.TIMEOUT, Errno.ETIMEDOUT,
                    FwUploadError.CANCELED, Errno.ECANCELED, FwUploadError.BUSY, Errno.EBUSY, FwUploadError.INVALID_SIZE, Errno.EFBIG,
                    FwUploadError.RW_ERROR, Errno.EIO, FwUploadError.WEAROUT, Errno.ENOSPC, FwUploadError.FW_INVALID, Errno.EBADMSG);
            expected.forEach((e, errno) -> assertThat(FirmwareOps.errnoOf("programming:" + e.text())).as(e.text()).contains(errno));
        }
    }

    /** Upload ops whose writes take 1000 bytes each once the test gives a permit; write {@code failAt} fails. */
    static final class Ops implements FwUploadOps {
        final Semaphore permits = new Semaphore(0);
        volatile int writes;
        volatile int failAt = -1;

        @Override
        public void prepare(FwUpload upload, ByteBuffer image) {
        }

        @Override
        public int write(FwUpload upload, ByteBuffer image, int offset, int size) throws FwUploadException {
            int n = ++writes;
            try {
                if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new FwUploadException(FwUploadError.TIMEOUT, "the test never let write " + n + " through");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FwUploadException(FwUploadError.CANCELED, "interrupted");
            }
            if (n == failAt) {
                throw new FwUploadException(FwUploadError.HW_ERROR, "no answer");
            }
            return Math.min(1000, size);
        }

        @Override
        public void pollComplete(FwUpload upload) {
        }

        @Override
        public void cancel(FwUpload upload) throws KernelException {
            throw new KernelException(Errno.EBUSY, "not now");
        }
    }

    @Nested
    class Upload {
        final Ops ops = new Ops();
        Path image;

        @BeforeEach
        void flashDevice() throws Exception {
            kernel.registerDriver(new Driver() {
                @Override
                public String name() {
                    return "flasher";
                }

                @Override
                public List<DeviceId> idTable() {
                    return List.of(DeviceId.of("test,flash"));
                }

                @Override
                public void probe(Device dev) throws Exception {
                    dev.manage(FwUpload.register(dev, "fw-" + dev.name(), ops));
                }
            });
            kernel.addDevice(DeviceSpec.of("flash0", "test,flash", Map.of()));
            image = Files.write(dir.resolve("flash0.img"), new byte[3000]);
        }

        private String request(boolean wait) {
            return "{\"op\":\"fw.upload\",\"args\":{\"name\":\"flash0\",\"path\":\"" + image + "\",\"wait\":" + wait + "}}";
        }

        @Test
        void withWaitEveryChangeIsStreamedThenTheOutcomeAndTheConnectionCloses() throws Exception {
            try (RawClient c = new RawClient(socket)) {
                Map<String, Object> first = c.askJson(request(true));
                assertThat(first).containsEntry("ok", true);
                assertThat(asMap(first.get("result"))).containsEntry("name", "fw-flash0").containsEntry("device", "flash0").containsEntry("size", 3000);
                List<Map<String, Object>> lines = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    ops.permits.release();
                    int written = i * 1000;
                    Map<String, Object> line;
                    do {
                        line = c.readJson();
                        lines.add(line);
                    } while (!Integer.valueOf(written).equals(line.get("written")));
                    assertThat(line).containsEntry("progress", "transferring").containsEntry("remainingSize", 3000 - written);
                }
                Map<String, Object> line;
                do {
                    line = c.readJson();
                    lines.add(line);
                } while (!line.containsKey("outcome"));
                Map<String, Object> idle = lines.get(lines.size() - 2);
                assertThat(idle).containsEntry("progress", "idle").containsEntry("remainingSize", 0).containsEntry("error", "");
                assertThat(line).containsEntry("outcome", "done").containsEntry("upload", idle).containsEntry("errno", null);
                assertThat(((Number) line.get("elapsedNanos")).longValue()).isPositive();
                assertThat(lines).noneMatch(l -> l.containsKey("ok"));
                assertThat(c.readLine()).as("the stream ends").isNull();
            }
            Await.until("the connection is gone", () -> server.connectionCount() == 0);
        }

        @Test
        void aFailedUploadEndsWithItsErrorAndErrno() throws Exception {
            ops.failAt = 2;
            ops.permits.release(2);
            try (RawClient c = new RawClient(socket)) {
                assertThat(c.askJson(request(true))).containsEntry("ok", true);
                Map<String, Object> line;
                do {
                    line = c.readJson();
                } while (!line.containsKey("outcome"));
                assertThat(line).containsEntry("outcome", "failed").containsEntry("errno", "EIO");
                assertThat(asMap(line.get("upload"))).containsEntry("progress", "idle").containsEntry("error", "transferring:hw-error")
                        .containsEntry("remainingSize", 2000);
            }
        }

        @Test
        void withoutWaitTheReplyIsTheStatusAndABusyUploadIsEbusyAsIsItsCancel() throws Exception {
            Map<String, Object> r = ask(request(false));
            assertThat(r).containsEntry("ok", true);
            assertThat(asMap(r.get("result"))).containsEntry("name", "fw-flash0").containsEntry("size", 3000);
            assertError(ask(request(false)), Errno.EBUSY, "fw_upload fw-flash0: an upload is in progress ("
                    + kernel.firmware().uploadStatus("fw-flash0").progress().text() + ")");
            assertError(ask("{\"op\":\"fw.cancel\",\"args\":{\"name\":\"flash0\"}}"), Errno.EBUSY, "not now");
            Map<String, Object> one = ask("{\"op\":\"fw.status\",\"args\":{\"name\":\"flash0\"}}");
            assertThat(asMap(one.get("result"))).containsEntry("name", "fw-flash0").containsEntry("device", "flash0");
            ops.permits.release(3);
            assertThat(kernel.firmware().awaitUpload("fw-flash0", Await.PATIENCE).busy()).isFalse();
            assertError(ask("{\"op\":\"fw.cancel\",\"args\":{\"name\":\"fw-flash0\"}}"), Errno.ENODEV,
                    "fw_upload fw-flash0: no upload in progress");
        }

        @Test
        void aClientThatHangsUpMidStreamLeavesTheUploadRunning() throws Exception {
            try (RawClient c = new RawClient(socket)) {
                assertThat(c.askJson(request(true))).containsEntry("ok", true);
                Await.until("the first write waits", () -> ops.writes == 1);
            }
            Await.until("the stream noticed the hang-up", () -> server.connectionCount() == 0);
            assertThat(kernel.firmware().uploadStatus("flash0").busy()).isTrue();
            ops.permits.release(3);
            assertThat(kernel.firmware().awaitUpload("flash0", Await.PATIENCE).error()).isEmpty();
        }
    }
}
