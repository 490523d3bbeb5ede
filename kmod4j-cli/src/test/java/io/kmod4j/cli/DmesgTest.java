package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.log.Level;
import io.kmod4j.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DmesgTest extends CliTestBase {

    @BeforeEach
    void someLines() {
        kernel.log().clear(); // the boot line names the Java version
        clock.set(1_500_000_000L);
        kernel.log().log(Level.INFO, "hello", "Hello World");
        clock.set(2_000_250_000L);
        kernel.log().log(Level.ERR, "fwcore", "no device found");
        kernel.log().log(Level.WARNING, "kernel", "two lines\nof warning");
    }

    @Test
    void printsEveryLineAsDmesgDoes() {
        assertThat(kmod4j("dmesg")).isEqualTo(new Run(0, """
                [    1.500000] hello: Hello World
                [    2.000250] fwcore: no device found
                [    2.000250] kernel: two lines
                [    2.000250] kernel: of warning
                """, ""));
    }

    @Test
    void rawShowsTheLevelAndLevelFilters() {
        assertThat(kmod4j("dmesg", "-r", "--level", "err,warn")).isEqualTo(new Run(0, """
                <3>[    2.000250] fwcore: no device found
                <4>[    2.000250] kernel: two lines
                <4>[    2.000250] kernel: of warning
                """, ""));
        assertThat(kmod4j("dmesg", "-l", "6")).isEqualTo(new Run(0, "[    1.500000] hello: Hello World\n", ""));
    }

    @Test
    void jsonPrintsOneRecordPerLine() {
        Run r = kmod4j("dmesg", "--json", "--level", "info");
        assertThat(r).isEqualTo(new Run(0, "{\"seq\":2,\"level\":\"info\",\"priority\":6,\"nanos\":1500000000,\"time\":\"1.500000\","
                + "\"owner\":\"hello\",\"message\":\"Hello World\"}\n", ""));
    }

    @Test
    void clearEmptiesTheLogAndPrintsNothing() {
        assertThat(kmod4j("dmesg", "-C")).isEqualTo(new Run(0, "", ""));
        assertThat(kmod4j("dmesg")).isEqualTo(new Run(0, "", ""));
    }

    @Test
    void anUnknownLevelIsAUsageError() {
        assertThat(kmod4j("dmesg", "--level", "loud")).isEqualTo(new Run(2, "", """
                dmesg: ERROR: --level: unknown log level 'loud' (expected emerg, alert, crit, err, warn, notice, info, debug or 0-7)
                Try 'kmod4j dmesg --help' for more information.
                """));
    }

    @Test
    void followPrintsOldLinesThenNewOnesUntilTheDaemonStops() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread follower = Thread.ofPlatform().start(() -> code.set(Kmod4j.run(new PrintWriter(out), new PrintWriter(err),
                "dmesg", "--socket", socket.toString(), "-w", "--level", "err")));
        Await.until("the old line", () -> out.toString().equals("[    2.000250] fwcore: no device found\n"));
        kernel.log().log(Level.INFO, "hello", "not shown");
        kernel.log().log(Level.ERR, "hello", "shown as it comes");
        Await.until("the new line", () -> out.toString().endsWith("[    2.000250] hello: shown as it comes\n"));
        server.close();
        follower.join();
        assertThat(code.get()).isZero();
        assertThat(out.toString()).isEqualTo("[    2.000250] fwcore: no device found\n[    2.000250] hello: shown as it comes\n");
        assertThat(err.toString()).isEmpty();
    }
}
