package io.kmod4j.cli;

import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.control.ControlServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import kmodtest.cli.fwcore.FwCore;
import kmodtest.cli.fwuser.FwUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel served on a socket in a temporary directory, and the {@code kmod4j} command run
 * in-process against it: {@link #kmod4j} puts {@code --socket} after the verb and returns the exit
 * code and everything printed.
 */
abstract class CliTestBase {

    @TempDir
    Path dir;

    Path modules;
    Path socket;
    Kernel kernel;
    ControlServer server;
    /** The kernel log's clock, in nanoseconds since boot: lines have the times tests give them. */
    final AtomicLong clock = new AtomicLong();

    /** What one command printed and returned. */
    record Run(int code, String out, String err) {
        /** The output with every duration replaced by "N ms", so reports compare exactly. */
        String outWithoutTimes() {
            return out.replaceAll("\\d+\\.\\d ms", "N ms");
        }
    }

    @BeforeEach
    void startDaemon() throws Exception {
        modules = Files.createDirectories(dir.resolve("modules"));
        KernelConfig.Builder config = KernelConfig.builder()
                .log(new LogRing(LogRing.DEFAULT_CAPACITY, clock::get))
                .moduleDir(modules)
                .unloadTimeout(Duration.ofSeconds(20));
        configure(config);
        kernel = Kernel.boot(config.build());
        socket = dir.resolve("run/control.sock");
        server = ControlServer.start(kernel, socket);
    }

    @AfterEach
    void stopDaemon() {
        server.close();
        kernel.close();
    }

    /** Adjusts the kernel's configuration before it boots; nothing by default. */
    void configure(KernelConfig.Builder config) {
    }

    /** Runs {@code kmod4j VERB --socket SOCKET ARGS...}; {@code verb} may be two words ({@code "fw status"}). */
    Run kmod4j(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb.split(" ")));
        all.add("--socket");
        all.add(socket.toString());
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code kmod4j ARGS...} as given. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Kmod4j.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * A command running on its own thread, whose output can be read while it runs (the writers
     * are unbuffered and thread-safe).
     */
    static final class Live {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        private final io.kmod4j.testing.Async<Integer> code;

        Live(String... args) {
            code = io.kmod4j.testing.Async.start("kmod4j " + args[0],
                    () -> Kmod4j.run(new PrintWriter(out), new PrintWriter(err), args));
        }

        /** Waits for the command to end. */
        Run end() throws Exception {
            int c = code.get();
            return new Run(c, out.toString(), err.toString());
        }
    }

    /** Starts {@code kmod4j WORDS... --socket SOCKET ARGS...} on its own thread; {@code verb} may be two words. */
    Live live(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb.split(" ")));
        all.add("--socket");
        all.add(socket.toString());
        all.addAll(List.of(args));
        return new Live(all.toArray(String[]::new));
    }

    /** A module JAR {@code <name>.jar} in the module directory. */
    Path jar(String name, Class<?> entry) throws IOException {
        return TestJars.module(name, entry).writeTo(modules, name + ".jar");
    }

    Path fwcoreJar() throws IOException {
        return TestJars.module("fwcore", FwCore.class).export("kmodtest.cli.fwcore.api").writeTo(modules, "fwcore.jar");
    }

    Path fwuserJar() throws IOException {
        return TestJars.module("fwuser", FwUser.class).depends("fwcore").writeTo(modules, "fwuser.jar");
    }

    /** The unload report rmmod prints for a module that owned nothing, durations as "N ms". */
    static String cleanReport(String module) {
        return """
                rmmod %s: unloaded in N ms
                  exit() N ms, stop N ms, scan N ms, verify N ms
                  stopped by the runtime: nothing (exit() left nothing running)
                  threads started behind the runtime's back: none
                  class loader: collected (proven by garbage collection)
                  JAR file: released (kmod4j holds no handle on it)
                """.formatted(module);
    }
}
