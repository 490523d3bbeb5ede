package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.DaemonUnreachableException;
import io.kmod4j.runtime.control.Json;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j rmmod [-f] [--wait SECONDS] [-q] NAME...}: unloads modules by the six steps of the
 * unload protocol and prints each {@link UnloadReport#format()} (the proof), or with {@code --json}
 * one report per line. A module that cannot go prints
 * {@code rmmod: ERROR: <sentence> (<ERRNO>)}; the others are still tried, and the exit code is 1.
 */
@Command(name = "rmmod", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Unload modules (rmmod) and print the proof: what was stopped, what leaked, whether the class loader was collected.",
            "Refuses with EWOULDBLOCK (in use by other modules, or referenced), EBUSY (not live, or permanent), "
                    + "ENOENT (not loaded); ETIMEDOUT if it still runs at the deadline (it stays Unloading: run rmmod again to keep waiting, or --force).",
            "Each NAME is tried in turn; the exit code is 1 if any failed."})
final class RmmodCommand extends Verb {

    @Option(names = {"-f", "--force"},
            description = "Unload even if referenced, permanent (no exit), or still running at the deadline; taints the kernel (R, and Z if code may still run).")
    boolean force;

    @Option(names = {"-w", "--wait"}, paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "How long to wait for the module's exit() and everything it owns to stop (fractions allowed). "
                    + "Default: the daemon's --unload-timeout.")
    Duration wait;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the unload reports; errors are still printed.")
    boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Module names, as lsmod shows them.")
    List<String> names;

    @Override
    public Integer call() throws KernelException {
        for (String name : names) {
            if (name.contains("/")) {
                throw usage("'" + name + "' is a path; rmmod takes module names, as lsmod shows them");
            }
        }
        int failed = 0;
        try (ControlClient client = connect()) {
            for (String name : names) {
                try {
                    UnloadReport r = client.rmmod(name, force, wait);
                    if (options.json()) {
                        printJson(Json.encode(r));
                    } else if (!quiet) {
                        out().print(r.format());
                        out().flush();
                    }
                } catch (DaemonUnreachableException e) {
                    throw e;
                } catch (KernelException e) {
                    err().println(ErrorHandler.line(spec.name(), e));
                    err().flush();
                    failed++;
                }
            }
        }
        return failed == 0 ? Kmod4j.EXIT_OK : Kmod4j.EXIT_FAILURE;
    }
}
