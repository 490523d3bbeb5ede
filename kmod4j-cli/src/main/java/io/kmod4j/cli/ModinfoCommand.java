package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j modinfo [-F FIELD] FILE|NAME}: a module's metadata, one {@code field:  value}
 * line per item as kmod prints it ({@link ModInfo#format()}). A FILE (a path, or a name ending in
 * {@code .jar}, or an existing file) is read directly, without a daemon and without running any of
 * its code, as kmod reads a {@code .ko}; a NAME is asked of the daemon (a loaded module, else one
 * in its module index).
 */
@Command(name = "modinfo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Show a module's metadata (modinfo): licence, version, description, authors, firmware, aliases, "
                    + "dependencies, exported packages, parameters.",
            "A FILE (contains '/', ends in .jar, or exists) is read directly, without a daemon and without running module code; "
                    + "a NAME is looked up by the daemon among loaded modules, then in its module index."})
final class ModinfoCommand extends Verb {

    @Option(names = {"-F", "--field"}, paramLabel = "FIELD",
            description = "Print only this field's values, one per line (filename, license, version, description, author, "
                    + "firmware, alias, depends, export, name, entry, vermagic, parm). With --json: a JSON array of them.")
    String field;

    @Parameters(paramLabel = "FILE|NAME", description = "A module JAR, or the name of a module the daemon knows.")
    String target;

    @Override
    public Integer call() throws KernelException {
        ModInfo info;
        Path file = asFile(target);
        if (file != null) {
            info = Kernel.modinfo(file);
        } else {
            try (ControlClient client = connect()) {
                info = client.modinfo(target);
            }
        }
        if (field != null) {
            List<String> values = values(info.format(), field);
            if (options.json()) {
                printJson(values);
            } else {
                values.forEach(out()::println);
                out().flush();
            }
        } else if (options.json()) {
            printJson(Json.encode(info));
        } else {
            out().print(info.format());
            out().flush();
        }
        return Kmod4j.EXIT_OK;
    }

    /** The path if {@code target} names a file rather than a module, else null. */
    private static Path asFile(String target) {
        try {
            Path p = Path.of(target);
            if (target.contains("/") || target.endsWith(".jar") || Files.isRegularFile(p)) {
                return p;
            }
        } catch (InvalidPathException notAPath) {
            // then it is a name; the daemon will say it does not know it
        }
        return null;
    }

    /** The values of one field in {@code modinfo}'s text, in order. */
    static List<String> values(String formatted, String field) {
        List<String> out = new ArrayList<>();
        for (String line : formatted.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equals(field)) {
                out.add(line.substring(colon + 1).strip());
            }
        }
        return out;
    }
}
