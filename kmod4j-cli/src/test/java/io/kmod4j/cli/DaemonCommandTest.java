package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import kmodtest.cli.hello.Hello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kmod4j daemon} in-process: it stops when the thread running it is interrupted. */
class DaemonCommandTest {

    @TempDir
    Path dir;

    @Test
    void servesUntilInterruptedThenUnloadsEverythingAndRemovesTheSocket() throws Exception {
        Path socket = dir.resolve("run/control.sock");
        Path hello = TestJars.module("hello", Hello.class).writeTo(dir, "hello.jar");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread daemon = Thread.ofPlatform().start(() -> {
            code.set(Kmod4j.run(new PrintWriter(out), new PrintWriter(err),
                    "daemon", "--socket", socket.toString(), "--modules", dir.toString()));
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        Await.until("listening", () -> out.toString().endsWith("\n"));
        assertThat(out.toString()).isEqualTo("kmod4j daemon: listening on " + socket + " (kmod4j " + Kernel.version() + ", pid "
                + ProcessHandle.current().pid() + ")\n");

        assertThat(CliTestBase.run("insmod", "--socket", socket.toString(), hello.toString()).code()).isZero();
        CliTestBase.Run again = CliTestBase.run("daemon", "--socket", socket.toString());
        assertThat(again).isEqualTo(new CliTestBase.Run(1, "",
                "daemon: ERROR: a kmod4j daemon is already listening on " + socket + " (EADDRINUSE)\n"));

        daemon.interrupt();
        daemon.join();
        assertThat(code.get()).isZero();
        assertThat(interruptKept).as("the interrupt is given back once shutdown is done").isTrue();
        assertThat(err.toString()).isEqualTo("kmod4j daemon: stopped; unloaded 1 module\n");
        assertThat(socket).doesNotExist();
        assertThat(out.toString()).as("exactly one line on standard output").hasLineCount(1);
    }

    @Test
    void jsonAnnouncesTheSocketVersionAndPid() throws Exception {
        Path socket = dir.resolve("run/control.sock");
        StringWriter out = new StringWriter();
        Thread daemon = Thread.ofPlatform().start(() -> Kmod4j.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "daemon", "--json", "--socket", socket.toString()));
        Await.until("listening", () -> out.toString().endsWith("\n"));
        daemon.interrupt();
        daemon.join();
        assertThat(out.toString()).isEqualTo("{\"listening\":\"" + socket + "\",\"version\":\"" + Kernel.version() + "\",\"pid\":"
                + ProcessHandle.current().pid() + "}\n");
    }

    @Test
    void devicesAndFirmwareDirsAreTheKernelsDevicesAndFirmwareRoots() throws Exception {
        Path socket = dir.resolve("run/control.sock");
        Path devices = java.nio.file.Files.writeString(dir.resolve("devices.json"),
                "{\"devices\":[{\"name\":\"flash0\",\"compatible\":\"kmod4j,tftp-flash\",\"properties\":{\"port\":6969}}]}");
        StringWriter out = new StringWriter();
        Thread daemon = Thread.ofPlatform().start(() -> Kmod4j.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "daemon", "--socket", socket.toString(), "--devices", devices.toString(),
                "--firmware-dir", dir.resolve("fw-a").toString(), "--firmware-dir", dir.resolve("fw-b").toString()));
        try {
            Await.until("listening", () -> out.toString().endsWith("\n"));
            assertThat(CliTestBase.run("devices", "--socket", socket.toString()).out()).isEqualTo("""
                    DEVICE  BUS       COMPATIBLE         STATE    DRIVER  MODULE  DETAIL
                    flash0  platform  kmod4j,tftp-flash  unbound  -       -       -
                    """);
            String release = Kernel.version();
            assertThat(CliTestBase.run("fw", "path", "--socket", socket.toString()).out()).isEqualTo("override: (none)\n"
                    + String.join("\n", dir + "/fw-a/updates/" + release, dir + "/fw-a/updates", dir + "/fw-a/" + release, dir + "/fw-a",
                    dir + "/fw-b/updates/" + release, dir + "/fw-b/updates", dir + "/fw-b/" + release, dir + "/fw-b") + "\n");
        } finally {
            daemon.interrupt();
            daemon.join();
        }
    }

    @Test
    void aBadDevicesFileStopsTheDaemonBeforeItListens() throws Exception {
        Path devices = java.nio.file.Files.writeString(dir.resolve("devices.json"), "{\"devices\":[{\"compatible\":\"x\"}]}");
        assertThat(CliTestBase.run("daemon", "--socket", dir.resolve("run/control.sock").toString(), "--devices", devices.toString()))
                .isEqualTo(new CliTestBase.Run(1, "", "daemon: ERROR: " + devices + ": devices[0].name: missing (EINVAL)\n"));
        assertThat(dir.resolve("run/control.sock")).doesNotExist();
    }

    @Test
    void aSocketWhereNoDirectoryCanBeIsAnError() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("file"), "x");
        assertThat(CliTestBase.run("daemon", "--socket", file.resolve("control.sock").toString())).isEqualTo(new CliTestBase.Run(1, "",
                "daemon: ERROR: " + file + " is not a directory; the control socket needs a directory of its own (ENOTDIR)\n"));
    }
}
