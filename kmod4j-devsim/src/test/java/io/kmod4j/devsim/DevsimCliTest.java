package io.kmod4j.devsim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.devsim.flash.Fixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevsimCliTest {

    @TempDir
    Path tmp;

    private static String run(int expectedExit, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Devsim.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).as("exit code of devsim %s", String.join(" ", args)).isEqualTo(expectedExit);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryOption() {
        String help = run(Devsim.EXIT_OK, "--help");
        assertThat(help).startsWith("usage: devsim --state DIR").contains("--port", "--trusted-key", "--image",
                "--slot-size", "--self-test-delay", "--fault", "--seed", "power-cut-at-block", "flash-wearout");
        assertThat(run(Devsim.EXIT_OK, "-h")).isEqualTo(help);
    }

    @Test
    void wrongArgumentsSayWhatIsWrong() {
        assertThat(run(Devsim.EXIT_USAGE)).contains("--state DIR is required");
        assertThat(run(Devsim.EXIT_USAGE, "--state", tmp.toString(), "--bogus")).contains("unknown option '--bogus'");
        assertThat(run(Devsim.EXIT_USAGE, "--state", tmp.toString(), "--port", "70000")).contains("0..65535");
        assertThat(run(Devsim.EXIT_USAGE, "--state", tmp.toString(), "--fault", "explode:now"))
                .contains("bad --fault 'explode:now'");
        assertThat(run(Devsim.EXIT_USAGE, "--state", tmp.toString(), "--fault", "refuse:melted"))
                .contains("unknown fw_upload error 'melted'");
        assertThat(run(Devsim.EXIT_USAGE, "--state")).contains("--state needs a value");
        assertThat(run(Devsim.EXIT_FAILURE, "--state", tmp.toString(), "--trusted-key", tmp.resolve("nope").toString()))
                .contains("devsim: error:");
    }

    @Test
    void startPrintsTheParseableAddressLineAndServes() throws Exception {
        Path v1 = Fixture.write(tmp, "v1.img", Fixture.image("1.0.0", 1000, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Optional<Devsim.Running> r = Devsim.start(new String[] {"--state=" + tmp.resolve("s"), "--image", v1.toString(),
                "--fault", "drop:out:1", "--seed", "7", "--slot-size", "1M"}, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        try (Devsim.Running running = r.orElseThrow()) {
            String out = bytes.toString(StandardCharsets.UTF_8);
            int port = running.device().address().getPort();
            assertThat(out).startsWith("devsim: flash device listening on tftp://127.0.0.1:" + port + " state="
                    + tmp.resolve("s").toAbsolutePath() + "\n");
            assertThat(out).contains("active slot A, version 1.0.0, faults drop:out:1");
            assertThat(running.device().config().slotCapacity()).isEqualTo(1 << 20);
            assertThat(Fixture.readStatus(running.device().address())).containsEntry("active-version", "1.0.0");
        }
    }
}
