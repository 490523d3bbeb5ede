package io.kmod4j.devsim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.devsim.flash.DeviceStatus;
import io.kmod4j.devsim.flash.Fixture;
import io.kmod4j.tftp.ProgressListener;
import io.kmod4j.tftp.TftpClient;
import io.kmod4j.tftp.TransferOptions;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device as its own JVM, killed with SIGKILL ({@link Process#destroyForcibly()}) in the middle
 * of a transfer and during a trial boot, then started again on the same state directory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DevsimProcessTest {

    private static final Pattern LISTENING =
            Pattern.compile("^devsim: flash device listening on tftp://([0-9.]+):(\\d+) state=(.+)$");

    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
    }

    private record Device(Process process, InetSocketAddress address) {
    }

    private Device launch(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, DevsimMain.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("first line of the device process").isNotNull();
        Matcher m = LISTENING.matcher(line);
        assertThat(m.matches()).as("parseable address line: " + line).isTrue();
        assertThat(Path.of(m.group(3))).isEqualTo(tmp.resolve("state").toAbsolutePath());
        return new Device(p, new InetSocketAddress(InetAddress.getByName(m.group(1)), Integer.parseInt(m.group(2))));
    }

    private static Map<String, String> status(InetSocketAddress device) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TftpClient.builder().retransmitTimeout(Duration.ofMillis(500)).build()
                .download(device, "status", out, TransferOptions.none(), ProgressListener.NONE);
        return DeviceStatus.parseDocument(out.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> awaitState(InetSocketAddress device, String state) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> s = status(device);
        while (!s.get("state").equals(state)) {
            assertThat(System.nanoTime()).as("waiting for state %s, have %s", state, s).isLessThan(end);
            s = status(device);
        }
        return s;
    }

    @Test
    void sigkillMidTransferThenRestartBootsTheOldVerifiedImage() throws Exception {
        Path v1 = Fixture.write(tmp, "v1.img", Fixture.image("1.0.0", 100_000, 1));
        byte[] v2 = Fixture.image("2.0.0", 2_000_000, 2);
        String state = tmp.resolve("state").toString();
        Device first = launch("--state", state, "--image", v1.toString(), "--self-test-delay", "50ms");
        assertThat(status(first.address())).containsEntry("active-version", "1.0.0");

        Exception failure = null;
        try {
            // Enough budget to reach a third of the image through any pause of the other JVM.
            TftpClient.builder().retransmitTimeout(Duration.ofMillis(500)).maxRetries(2).build().upload(
                    first.address(), "firmware", new ByteArrayInputStream(v2), v2.length, TransferOptions.none(),
                    (bytes, total) -> {
                        if (bytes >= v2.length / 3 && first.process().isAlive()) {
                            try {
                                assertThat(status(first.address())).containsEntry("state", "receiving");
                                first.process().destroyForcibly(); // SIGKILL: a power cut
                                first.process().waitFor();
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        }
                    });
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).as("the upload dies with the device").isNotNull();
        assertThat(first.process().exitValue()).as("killed by SIGKILL").isEqualTo(137);

        Device second = launch("--state", state, "--image", v1.toString());
        Map<String, String> s = status(second.address());
        assertThat(s).containsEntry("state", "idle").containsEntry("active-slot", "a")
                .containsEntry("active-version", "1.0.0").containsEntry("slot-a-valid", "yes")
                .containsEntry("slot-b-valid", "no");

        // The same device takes the image cleanly now, and keeps it across another SIGKILL.
        TftpClient.create().upload(second.address(), "firmware", new ByteArrayInputStream(v2), v2.length,
                TransferOptions.recommended(), ProgressListener.NONE);
        assertThat(awaitState(second.address(), "confirmed")).containsEntry("active-version", "2.0.0");
        second.process().destroyForcibly().waitFor();
        Device third = launch("--state", state);
        assertThat(status(third.address())).containsEntry("active-version", "2.0.0").containsEntry("active-slot", "b");
    }

    @Test
    void sigkillDuringTheTrialBootRevertsOnRestart() throws Exception {
        Path v1 = Fixture.write(tmp, "v1.img", Fixture.image("1.0.0", 10_000, 1));
        byte[] v2 = Fixture.image("2.0.0", 20_000, 2);
        String state = tmp.resolve("state").toString();
        Device first = launch("--state", state, "--image", v1.toString(), "--self-test-delay", "1h");
        TftpClient.create().upload(first.address(), "firmware", new ByteArrayInputStream(v2), v2.length,
                TransferOptions.recommended(), ProgressListener.NONE);
        assertThat(status(first.address())).containsEntry("state", "booting").containsEntry("trial", "pending")
                .containsEntry("active-version", "2.0.0");
        first.process().destroyForcibly().waitFor();

        Device second = launch("--state", state);
        assertThat(status(second.address())).containsEntry("active-version", "1.0.0").containsEntry("trial", "reverted")
                .containsEntry("slot-b-valid", "yes");
    }
}
