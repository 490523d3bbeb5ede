package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.DaemonUnreachableException;
import io.kmod4j.runtime.control.Json;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j insmod FILE [name=value...]}: loads a module JAR into the daemon's kernel and runs
 * its {@code init}. Prints nothing on success, as kmod's insmod; with {@code --json}, the new
 * module's status. A failure prints kmod's line:
 * {@code insmod: ERROR: could not insert module FILE: <sentence> (<ERRNO>)}.
 */
@Command(name = "insmod", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Load a module JAR into the daemon's kernel and run its init (insmod).",
            "Prints nothing on success; --json prints the module's status.",
            "On failure: insmod: ERROR: could not insert module FILE: <why> (<ERRNO>); nothing of the module is left running."})
final class InsmodCommand extends Verb {

    @Parameters(index = "0", paramLabel = "FILE",
            description = "The module JAR. A relative path is taken from the current directory, not the daemon's.")
    String file;

    @Parameters(index = "1..*", paramLabel = "name=value",
            description = "Module parameters. A bare name is given without a value (a bool parameter becomes Y). "
                    + "Unknown names are ignored with a warning in dmesg; an invalid value fails with EINVAL.")
    List<String> params = new ArrayList<>();

    @Override
    public Integer call() throws KernelException {
        Map<String, String> p = ParamArgs.parse(params, this);
        Path jar;
        try {
            jar = Path.of(file).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw usage("FILE is not a valid path: " + e.getMessage());
        }
        try (ControlClient client = connect()) {
            ModuleStatus s = client.insmod(jar, p);
            if (options.json()) {
                printJson(Json.encode(s));
            }
            return Kmod4j.EXIT_OK;
        } catch (DaemonUnreachableException e) {
            throw e;
        } catch (KernelException e) {
            throw new KernelException(e.errno(), "could not insert module " + file + ": " + e.getMessage(), e);
        }
    }
}
