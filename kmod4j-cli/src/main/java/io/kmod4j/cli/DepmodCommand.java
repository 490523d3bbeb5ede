package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import io.kmod4j.runtime.module.ModuleIndex;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j depmod [DIR]}: writes the dependency and alias index of a directory of module
 * JARs ({@code modules.dep}, {@code modules.alias}, {@code modules.names}) that {@code modprobe}
 * reads. With DIR it runs here, without a daemon; without, the daemon indexes its own module
 * directory. Prints nothing on success, as kmod's depmod; warnings go to standard error.
 */
@Command(name = "depmod", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Write the dependency and alias index of a directory of module JARs (depmod), which modprobe reads.",
            "With DIR: done here, no daemon needed. Without: the daemon indexes its module directory (its --modules).",
            "Prints nothing on success; warnings (unreadable JARs, unknown dependencies) go to standard error. "
                    + "--json prints {\"dir\":..,\"modules\":N,\"aliases\":N,\"warnings\":[..]}."})
final class DepmodCommand extends Verb {

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "The directory to index (searched four levels deep).")
    Path dir;

    @Override
    public Integer call() throws KernelException {
        ModuleIndex.DepmodResult r;
        if (dir != null) {
            try {
                r = Kernel.depmod(dir.toAbsolutePath().normalize());
            } catch (KernelException e) {
                // the runtime's message starts with "depmod: " already; the error line adds it once
                String m = e.getMessage().startsWith("depmod: ") ? e.getMessage().substring(8) : e.getMessage();
                throw new KernelException(e.errno(), m, e);
            }
        } else {
            try (ControlClient client = connect()) {
                r = client.depmod(null);
            }
        }
        if (options.json()) {
            printJson(Json.encode(r));
        } else {
            r.warnings().forEach(err()::println);
            err().flush();
        }
        return Kmod4j.EXIT_OK;
    }
}
