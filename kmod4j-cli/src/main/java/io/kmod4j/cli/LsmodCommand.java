package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModuleState;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code kmod4j lsmod}: the loaded modules, most recent first, in kmod's format.
 *
 * <pre>
 * Module                  Size  Used by
 * fwuser                  2101  0
 * fwcore                  1987  1 fwuser
 * stubborn                1654  0 [Unloading]
 * Unloaded tainted modules: hello(Z):1
 * </pre>
 *
 * Each line is {@code %-19s %8d  %d} (name, JAR size, reference count), then a space and the
 * modules that use it, comma-separated, if any; then {@code [Loading]} or {@code [Unloading]} if
 * the module is not Live. The last line appears only if an unloaded module left taint behind.
 */
@Command(name = "lsmod", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "List the loaded modules, most recent first (lsmod): name, JAR size in bytes, reference count, the modules using it.",
            "A module that is not Live has its state appended ([Loading], [Unloading]); "
                    + "a last line names unloaded modules that left taint: Unloaded tainted modules: hello(Z):1.",
            "--json prints {\"modules\":[..],\"taints\":\"..\",\"unloadedTainted\":[..]}."})
final class LsmodCommand extends Verb {

    /** kmod's header line. */
    static final String HEADER = "Module                  Size  Used by";

    @Override
    public Integer call() throws KernelException {
        ControlClient.Lsmod l;
        try (ControlClient client = connect()) {
            l = client.lsmod();
        }
        if (options.json()) {
            printJson(Json.encode(l));
            return Kmod4j.EXIT_OK;
        }
        out().print(format(l));
        out().flush();
        return Kmod4j.EXIT_OK;
    }

    /** The text lsmod prints. */
    static String format(ControlClient.Lsmod l) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ModuleStatus m : l.modules()) {
            sb.append(String.format(Locale.ROOT, "%-19s %8d  %d", m.name(), m.size(), m.refcount()));
            if (!m.usedBy().isEmpty()) {
                sb.append(' ').append(String.join(",", m.usedBy()));
            }
            if (m.state() != ModuleState.LIVE) {
                sb.append(" [").append(m.state().procName()).append(']');
            }
            sb.append('\n');
        }
        if (!l.unloadedTainted().isEmpty()) {
            sb.append("Unloaded tainted modules: ").append(String.join(" ", l.unloadedTainted())).append('\n');
        }
        return sb.toString();
    }
}
