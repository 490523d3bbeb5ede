package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j modprobe [-r] NAME [name=value...]}: loads a module by name or alias from the
 * daemon's module directory, dependencies first (it needs {@code depmod}'s index there). Prints
 * nothing on success, as kmod's modprobe; {@code -r} removes the module and then the dependencies
 * nothing else uses, printing each unload report as rmmod does.
 */
@Command(name = "modprobe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Load a module by name or alias from the daemon's module directory, its dependencies first (modprobe). "
                    + "Needs the index 'kmod4j depmod' writes. Already loaded modules are left alone. Prints nothing on success.",
            "With -r: unload the module, then its dependencies that nothing else uses, and print each unload report.",
            "--json prints {\"loaded\":[status..]} or {\"removed\":[report..]}."})
final class ModprobeCommand extends Verb {

    @Option(names = {"-r", "--remove"},
            description = "Remove the module and then the dependencies it loaded that are no longer used.")
    boolean remove;

    @Parameters(index = "0", paramLabel = "NAME", description = "A module name or alias (e.g. of:kmod4j,tftp-flash).")
    String name;

    @Parameters(index = "1..*", paramLabel = "name=value",
            description = "Parameters for the named module (not its dependencies); a bare name is given without a value.")
    List<String> params = new ArrayList<>();

    @Override
    public Integer call() throws KernelException {
        Map<String, String> p = ParamArgs.parse(params, this);
        if (remove && !p.isEmpty()) {
            throw usage("modprobe -r takes no module parameters");
        }
        try (ControlClient client = connect()) {
            if (remove) {
                List<UnloadReport> reports = client.modprobeRemove(name);
                if (options.json()) {
                    List<Object> removed = new ArrayList<>();
                    reports.forEach(r -> removed.add(Json.encode(r)));
                    printJson(Map.of("removed", removed));
                } else {
                    reports.forEach(r -> out().print(r.format()));
                    out().flush();
                }
            } else {
                List<ModuleStatus> loaded = client.modprobe(name, p);
                if (options.json()) {
                    List<Object> statuses = new ArrayList<>();
                    loaded.forEach(s -> statuses.add(Json.encode(s)));
                    printJson(Map.of("loaded", statuses));
                }
            }
        }
        return Kmod4j.EXIT_OK;
    }
}
