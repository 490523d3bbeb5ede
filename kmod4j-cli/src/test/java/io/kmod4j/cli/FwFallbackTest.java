package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import io.kmod4j.testing.Async;
import io.kmod4j.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** kmod4j fw path, held, pending, load and abort: the search path and the fallback loader. */
class FwFallbackTest extends CliTestBase {

    Path root;

    @Override
    void configure(KernelConfig.Builder config) {
        root = dir.resolve("firmware");
        config.firmware(FirmwareConfig.builder().roots(root).release("9.9").build());
    }

    /** A request blocked in a test thread until the fallback loader answers (request_firmware with no device). */
    private Async<Firmware> request(String name) {
        Async<Firmware> r = Async.start("request " + name, () -> kernel.firmware().request(name, null, FirmwareProvider.UEVENT));
        Await.until(name + " waits for the fallback loader",
                () -> kernel.firmware().pendingFallbacks().stream().anyMatch(p -> p.name().equals(name)));
        return r;
    }

    @Test
    void pathShowsTheSearchPathAndSetsOrClearsTheOverride() throws Exception {
        assertThat(kmod4j("fw path")).isEqualTo(new Run(0, "override: (none)\n"
                + root + "/updates/9.9\n" + root + "/updates\n" + root + "/9.9\n" + root + "\n", ""));
        Path override = Files.createDirectories(dir.resolve("override"));
        assertThat(kmod4j("fw path", override.toString())).isEqualTo(new Run(0, "", ""));
        assertThat(kernel.firmware().overridePath()).isEqualTo(override.toString());
        assertThat(kmod4j("fw path", "--json")).isEqualTo(new Run(0, "{\"override\":\"" + override + "\",\"searchPath\":[\""
                + override + "\",\"" + root + "/updates/9.9\",\"" + root + "/updates\",\"" + root + "/9.9\",\"" + root + "\"]}\n", ""));
        assertThat(kmod4j("fw path", "")).isEqualTo(new Run(0, "", ""));
        assertThat(kernel.firmware().overridePath()).isEmpty();
        assertThat(kmod4j("fw path", "x".repeat(300)))
                .isEqualTo(new Run(1, "", "fw path: ERROR: firmware_class.path: string doesn't fit in 255 chars (ENOSPC)\n"));
    }

    @Test
    void loadAnswersAPendingRequestWhichIsThenHeld() throws Exception {
        assertThat(kmod4j("fw pending")).isEqualTo(new Run(0, "NAME  DEVICE  WAITERS  WAITED  TIMEOUT\n", ""));
        Async<Firmware> waiting = request("acme/wifi.bin");
        Run pending = kmod4j("fw pending");
        assertThat(pending.code()).isZero();
        assertThat(pending.out()).matches("""
                NAME           DEVICE  WAITERS  WAITED  TIMEOUT
                acme/wifi\\.bin  -       1        \\d+\\.\\ds    60\\.0s
                """);
        assertThat(kmod4j("fw pending", "--json").out())
                .matches("\\{\"pending\":\\[\\{\"name\":\"acme/wifi\\.bin\",\"device\":\"\",\"waiters\":1,"
                        + "\"waitedNanos\":\\d+,\"timeoutNanos\":60000000000}]}\n");

        Path image = Files.writeString(dir.resolve("wifi.bin"), "hello");
        assertThat(kmod4j("fw load", "--json", "acme/wifi.bin", image.toString()))
                .isEqualTo(new Run(0, "{\"name\":\"acme/wifi.bin\",\"path\":\"" + image + "\"}\n", ""));
        try (Firmware fw = waiting.get()) {
            assertThat(fw.size()).isEqualTo(5);
            assertThat(kmod4j("fw held")).isEqualTo(new Run(0, """
                    NAME           SIZE  HOLDERS  SOURCE
                    acme/wifi.bin  5     1        (fallback)
                    """, ""));
            assertThat(kmod4j("fw held", "--json")).isEqualTo(new Run(0,
                    "{\"images\":[{\"name\":\"acme/wifi.bin\",\"size\":5,\"holders\":1,\"source\":\"(fallback)\"}]}\n", ""));
        }
        assertThat(kmod4j("fw held")).isEqualTo(new Run(0, "NAME  SIZE  HOLDERS  SOURCE\n", ""));
        assertThat(kmod4j("fw pending").out()).isEqualTo("NAME  DEVICE  WAITERS  WAITED  TIMEOUT\n");
    }

    @Test
    void abortFailsThePendingRequestWithEagainAndNobodyWaitingIsEnoent() throws Exception {
        Async<Firmware> waiting = request("acme/dsp.bin");
        assertThat(kmod4j("fw abort", "acme/dsp.bin")).isEqualTo(new Run(0, "", ""));
        assertThatThrownBy(waiting::get).isInstanceOfSatisfying(KernelException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN));

        assertThat(kmod4j("fw abort", "acme/dsp.bin"))
                .isEqualTo(new Run(1, "", "fw abort: ERROR: no request is waiting for firmware acme/dsp.bin (ENOENT)\n"));
        Path image = Files.writeString(dir.resolve("dsp.bin"), "x");
        assertThat(kmod4j("fw load", "acme/dsp.bin", image.toString()))
                .isEqualTo(new Run(1, "", "fw load: ERROR: no request is waiting for firmware acme/dsp.bin (ENOENT)\n"));
        assertThat(kmod4j("fw load", "acme/dsp.bin").err()).startsWith("fw load: ERROR: Missing required parameter: 'FILE'\n");
    }

    @Test
    void loadingAnEmptyOrMissingFileFailsAndTheRequestKeepsWaiting() throws Exception {
        Async<Firmware> waiting = request("acme/gpu.bin");
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        Run r = kmod4j("fw load", "acme/gpu.bin", empty.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("fw load: ERROR: ").endsWith(" (EINVAL)\n");
        // A relative FILE is this process's, not the daemon's: it is made absolute before it is sent.
        assertThat(kmod4j("fw load", "acme/gpu.bin", "no-such.bin")).isEqualTo(new Run(1, "",
                "fw load: ERROR: " + Path.of("no-such.bin").toAbsolutePath() + ": no such file (ENOENT)\n"));
        assertThat(waiting.isDone()).isFalse();
        assertThat(kmod4j("fw abort", "acme/gpu.bin").code()).isZero();
        assertThatThrownBy(waiting::get).isInstanceOf(KernelException.class);
    }
}
