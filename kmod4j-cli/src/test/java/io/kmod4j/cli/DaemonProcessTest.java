package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.runtime.Kernel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kmodtest.cli.hello.Hello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one end-to-end test: a real {@code kmod4j daemon} process, a real socket, the commands run
 * against it, and SIGTERM. Everything else is tested in-process.
 */
class DaemonProcessTest {

    @TempDir
    Path dir;

    @Test
    void aRealDaemonServesTheCommandsAndOnSigtermUnloadsItsModulesAndRemovesTheSocket() throws Exception {
        Path socket = dir.resolve("run/control.sock");
        Path hello = TestJars.module("hello", Hello.class).writeTo(dir, "hello.jar");
        Path stderr = dir.resolve("daemon.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process daemon = new ProcessBuilder(List.of(java,
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.showThreadName=false",
                "-cp", classpath, "io.kmod4j.cli.Kmod4j", "daemon", "--socket", socket.toString(), "--slf4j"))
                .redirectErrorStream(false)
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(first).as(() -> "daemon stderr: " + read(stderr))
                    .isEqualTo("kmod4j daemon: listening on " + socket + " (kmod4j " + Kernel.version() + ", pid " + daemon.pid() + ")");

            assertThat(CliTestBase.run("insmod", "--socket", socket.toString(), hello.toString()))
                    .isEqualTo(new CliTestBase.Run(0, "", ""));
            CliTestBase.Run lsmod = CliTestBase.run("lsmod", "--socket", socket.toString());
            assertThat(lsmod.out()).isEqualTo(String.format("Module                  Size  Used by%nhello               %8d  0%n",
                    Files.size(hello)));
            assertThat(CliTestBase.run("dmesg", "--socket", socket.toString(), "--level", "info").out()).contains("] hello: Hello World\n");

            daemon.destroy(); // SIGTERM
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("the daemon exits").isTrue();
            assertThat(daemon.exitValue()).as("killed by SIGTERM, after its shutdown hook").isEqualTo(143);
            String log = read(stderr);
            assertThat(log).contains("hello - [").contains("Bye World").contains("rmmod hello: unloaded")
                    .endsWith("kmod4j daemon: stopped; unloaded 1 module\n");
            assertThat(socket).doesNotExist();
            assertThat(CliTestBase.run("lsmod", "--socket", socket.toString()).code()).isEqualTo(Kmod4j.EXIT_NO_DAEMON);
        } finally {
            daemon.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
