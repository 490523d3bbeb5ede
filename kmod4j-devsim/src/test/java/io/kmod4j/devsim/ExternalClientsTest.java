package io.kmod4j.devsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kmod4j.devsim.flash.DeviceConfig;
import io.kmod4j.devsim.flash.DeviceState;
import io.kmod4j.devsim.flash.DeviceStatus;
import io.kmod4j.devsim.flash.Fixture;
import io.kmod4j.devsim.flash.FlashDevice;
import io.kmod4j.devsim.image.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fidelity with TFTP clients nobody here wrote: Debian's curl, atftp and tftp-hpa flash the
 * emulated device. Each test is skipped, naming the missing binary and its package, when the
 * client is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExternalClientsTest {

    @TempDir
    Path tmp;
    private FlashDevice device;
    private int port;

    @BeforeEach
    void startDevice() throws Exception {
        Path v1 = Fixture.write(tmp, "v1.img", Fixture.image("1.0.0", 50_000, 1));
        device = FlashDevice.start(DeviceConfig.of(tmp.resolve("state")).withInitialImage(Optional.of(v1))
                .withSelfTestDelay(Duration.ofMillis(50)).withSlotCapacity(8 << 20));
        port = device.address().getPort();
    }

    @AfterEach
    void stopDevice() {
        device.close();
    }

    private static void need(String binary, String aptPackage) {
        assumeTrue(Files.isExecutable(Path.of(binary)),
                "skipped: " + binary + " not found; install it with 'apt-get install " + aptPackage + "'");
    }

    private record Result(int exit, String output) {
    }

    private Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).directory(tmp.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", List.of(command)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private Path imageFile(String version, int size) throws Exception {
        return Fixture.write(tmp, version + ".img", Fixture.image(version, size, version.hashCode()));
    }

    private void assertFlashed(String version, Result result) {
        assertThat(result.exit()).as("exit code; output: %s", result.output()).isZero();
        DeviceStatus s = Fixture.awaitStatus(device, "confirmed " + version,
                st -> st.state() == DeviceState.CONFIRMED || st.state() == DeviceState.FAILED);
        assertThat(s.state()).as("status: %s", s.toDocument()).isEqualTo(DeviceState.CONFIRMED);
        assertThat(s.activeVersion()).hasValue(Version.parse(version));
    }

    private void awaitAtRest() {
        Fixture.awaitStatus(device, "at rest", st -> st.state().isAtRest());
    }

    @Test
    void curlFlashesWithAndWithoutTftpBlksize() throws Exception {
        need("/usr/bin/curl", "curl");
        Path v2 = imageFile("2.0.0", 1_000_000);
        assertFlashed("2.0.0", run("curl", "-sS", "-T", v2.toString(), "tftp://127.0.0.1:" + port + "/firmware"));
        Path v3 = imageFile("3.0.0", 3_000_000);
        assertFlashed("3.0.0", run("curl", "-sS", "--tftp-blksize", "1468", "-T", v3.toString(),
                "tftp://127.0.0.1:" + port + "/firmware"));
        assertThat(device.status().bytesExpected()).as("curl announced tsize").hasValue(Files.size(v3));
    }

    @Test
    void curlSeesTheDevicesRefusalOfAnOversizeImage() throws Exception {
        need("/usr/bin/curl", "curl");
        Path big = imageFile("9.0.0", 9 << 20);
        Result r = run("curl", "-sS", "-T", big.toString(), "tftp://127.0.0.1:" + port + "/firmware");
        assertThat(r.exit()).as(r.output()).isNotZero();
        awaitAtRest();
        assertThat(device.status().lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("invalid-file-size"));
        assertThat(device.status().activeVersion()).hasValue(new Version(1, 0, 0));
    }

    @Test
    void atftpFlashes() throws Exception {
        need("/usr/bin/atftp", "atftp");
        Path v2 = imageFile("2.1.0", 700_000);
        assertFlashed("2.1.0", run("atftp", "--put", "-l", v2.toString(), "-r", "firmware", "127.0.0.1",
                Integer.toString(port)));
        Path v3 = imageFile("3.1.0", 900_000);
        assertFlashed("3.1.0", run("atftp", "--option", "blksize 1428", "--option", "tsize", "--put", "-l",
                v3.toString(), "-r", "firmware", "127.0.0.1", Integer.toString(port)));
    }

    @Test
    void tftpHpaFlashesInOctetMode() throws Exception {
        need("/usr/bin/tftp", "tftp-hpa");
        Path v2 = imageFile("2.2.0", 800_000);
        assertFlashed("2.2.0", run("tftp", "-m", "octet", "127.0.0.1", Integer.toString(port), "-c", "put",
                v2.toString(), "firmware"));
    }

    @Test
    void tftpHpaStatusReadShowsTheDocument() throws Exception {
        need("/usr/bin/tftp", "tftp-hpa");
        Result r = run("tftp", "-m", "octet", "127.0.0.1", Integer.toString(port), "-c", "get", "status",
                "status.txt");
        assertThat(r.exit()).as(r.output()).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(tmp.resolve("status.txt")));
        assertThat(lines).contains("state: idle", "active-version: 1.0.0");
    }
}
