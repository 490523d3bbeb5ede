package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.internal.Uninterruptibly;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.control.ControlServer;
import io.kmod4j.runtime.control.Json;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kmod4j daemon}: boots a kernel and serves it on the control socket until SIGINT or
 * SIGTERM (or, in-process, until the thread running it is interrupted), then stops serving,
 * unloads every module (dependents first; one that will not go in time is forced out) and removes
 * the socket.
 *
 * <p>Prints exactly one line on standard output once clients can connect:
 * {@code kmod4j daemon: listening on PATH (kmod4j VERSION, pid N)} (with {@code --json}:
 * {@code {"listening":PATH,"version":..,"pid":N}}), and one line on standard error when it has
 * stopped: {@code kmod4j daemon: stopped; unloaded N module(s)}.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a kmod4j kernel and serve it on a Unix-domain control socket that only its owner can use; "
                    + "the other verbs talk to it.",
            "Prints 'kmod4j daemon: listening on PATH (kmod4j VERSION, pid N)' once ready, then serves until SIGINT or SIGTERM; "
                    + "then it unloads every module and removes the socket.",
            "Refuses to start (EADDRINUSE) if a daemon already answers on the socket; a stale socket file is replaced."})
final class DaemonCommand extends Verb {

    @Option(names = "--modules", paramLabel = "DIR",
            description = "The module directory modprobe loads from and depmod indexes. Default: ./modules.")
    Path modules = Path.of("modules");

    @Option(names = "--unload-timeout", paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "Default rmmod deadline for a module's exit() and what it owns to stop (fractions allowed). Default: 10.")
    Duration unloadTimeout = Duration.ofSeconds(10);

    @Option(names = "--devices", paramLabel = "FILE",
            description = "A devices file: the platform devices to add at boot, "
                    + "{\"devices\":[{\"name\",\"compatible\",\"properties\"}..]}. Default: none.")
    Path devices;

    @Option(names = "--firmware-dir", paramLabel = "DIR",
            description = "A firmware root, searched (as updates/<release>, updates, <release>, then itself) after the override path. "
                    + "Repeatable, searched in order. Default: ./firmware, and /lib/firmware where it exists.")
    List<Path> firmwareDirs = new ArrayList<>();

    @Option(names = "--slf4j", description = "Also copy every kernel log line to SLF4J (the bundled binding writes to standard error).")
    boolean slf4j;

    @Override
    public Integer call() throws KernelException {
        if (unloadTimeout.isZero()) {
            throw usage("--unload-timeout must be more than 0 seconds");
        }
        Kernel kernel = Kernel.boot(KernelConfig.builder()
                .log(new LogRing())
                .moduleDir(modules.toAbsolutePath().normalize())
                .unloadTimeout(unloadTimeout)
                .slf4j(slf4j)
                .devicesFile(devices == null ? null : devices.toAbsolutePath().normalize())
                .firmware(firmwareDirs.isEmpty() ? null : FirmwareConfig.builder().roots(firmwareDirs).build())
                .build());
        ControlServer server;
        try {
            server = ControlServer.start(kernel, options.socket());
        } catch (KernelException | RuntimeException e) {
            kernel.close();
            throw e;
        }
        long pid = ProcessHandle.current().pid();
        if (options.json()) {
            printJson(Json.ordered("listening", server.socket().toString(), "version", Kernel.version(), "pid", pid));
        } else {
            out().println("kmod4j daemon: listening on " + server.socket() + " (kmod4j " + Kernel.version() + ", pid " + pid + ")");
            out().flush();
        }
        serveUntilStopped(kernel, server);
        return Kmod4j.EXIT_OK;
    }

    /**
     * Waits for SIGINT/SIGTERM (a shutdown hook) or an interrupt, then shuts down. The hook waits
     * until the modules are unloaded, so the JVM does not exit under a module's exit().
     */
    private void serveUntilStopped(Kernel kernel, ControlServer server) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            awaitUninterruptibly(stopped);
        }, "kmod4j-daemon-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            stop.await();
        } catch (InterruptedException e) {
            // Stop, as for a signal. The interrupt is given back after shutdown: with it pending,
            // every unload wait would fail at once and modules would be forced out for nothing.
            interrupted = true;
        } finally {
            int before = kernel.lsmod().size();
            server.close();
            kernel.close();
            int modules = before - kernel.lsmod().size();
            err().println("kmod4j daemon: stopped; unloaded " + modules + " module" + (modules == 1 ? "" : "s"));
            err().flush();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // stopped by a signal: the hook is running and returns now
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        Uninterruptibly.run(latch::await);
    }
}
