package io.kmod4j.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A module's metadata as {@code modinfo} shows it, read from {@code META-INF/kmod4j/modinfo}
 * without loading or running the module (see {@code docs/module-format.md}).
 *
 * @param file the JAR it was read from
 * @param name module name
 * @param entry class implementing {@code io.kmod4j.Module}
 * @param license {@code MODULE_LICENSE}
 * @param version {@code MODULE_VERSION}, empty if none
 * @param description {@code MODULE_DESCRIPTION}, empty if none
 * @param authors {@code MODULE_AUTHOR} entries
 * @param depends modules that must be loaded first
 * @param exports packages visible to modules that depend on this one
 * @param firmware {@code MODULE_FIRMWARE} entries
 * @param aliases {@code MODULE_ALIAS} entries, e.g. {@code of:kmod4j,tftp-flash}
 * @param params declared parameters
 * @param hasExit whether the module overrides {@code exit()}; without it the module is permanent
 * @param vermagic the API version it was built against, {@code kmod4j-api 0.1}
 * @param raw every key and value in file order, unknown keys included
 */
public record ModInfo(
        Path file,
        String name,
        String entry,
        String license,
        String version,
        String description,
        List<String> authors,
        List<String> depends,
        List<String> exports,
        List<String> firmware,
        List<String> aliases,
        List<ParamInfo> params,
        boolean hasExit,
        String vermagic,
        List<Map.Entry<String, String>> raw) {

    public ModInfo {
        Objects.requireNonNull(name, "name");
        authors = List.copyOf(authors);
        depends = List.copyOf(depends);
        exports = List.copyOf(exports);
        firmware = List.copyOf(firmware);
        aliases = List.copyOf(aliases);
        params = List.copyOf(params);
        raw = List.copyOf(raw);
    }

    /**
     * A declared parameter.
     *
     * @param name parameter name
     * @param type Linux type name: {@code int}, {@code charp}, {@code array of int}, ...
     * @param description {@code MODULE_PARM_DESC}
     * @param defaultValue the value used when none is given
     * @param perm sysfs permissions, e.g. {@code 0444}
     * @param field the entry-class field that receives it
     */
    public record ParamInfo(String name, String type, String description, String defaultValue, int perm,
                            String field) {

        /** Whether the owner may change it at run time ({@code perm & 0200}). */
        public boolean writable() {
            return (perm & 0200) != 0;
        }
    }

    /** The parameter with that name, if declared. */
    public java.util.Optional<ParamInfo> param(String paramName) {
        return params.stream().filter(p -> p.name().equals(paramName)).findFirst();
    }

    /** Whether Linux counts the licence as GPL-compatible ({@code license_is_gpl_compatible}). */
    public boolean gplCompatible() {
        return switch (license) {
            case "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
                 "Dual MPL/GPL" -> true;
            default -> false;
        };
    }

    /** {@code modinfo} text: one {@code field:  value} line per item, as kmod prints it. */
    public String format() {
        List<String> lines = new ArrayList<>();
        line(lines, "filename", file == null ? "(none)" : file.toAbsolutePath().toString());
        line(lines, "license", license);
        if (!version.isEmpty()) {
            line(lines, "version", version);
        }
        if (!description.isEmpty()) {
            line(lines, "description", description);
        }
        authors.forEach(a -> line(lines, "author", a));
        firmware.forEach(f -> line(lines, "firmware", f));
        aliases.forEach(a -> line(lines, "alias", a));
        line(lines, "depends", String.join(",", depends));
        exports.forEach(e -> line(lines, "export", e));
        line(lines, "name", name);
        line(lines, "entry", entry);
        line(lines, "vermagic", vermagic);
        if (!hasExit) {
            line(lines, "permanent", "yes (no exit)");
        }
        for (ParamInfo p : params) {
            line(lines, "parm", p.name() + ":" + p.description() + " (" + p.type() + ")"
                    + " [default: " + p.defaultValue() + ", perm: " + String.format(Locale.ROOT, "0%o", p.perm()) + "]");
        }
        return String.join("\n", lines) + "\n";
    }

    private static void line(List<String> lines, String field, String value) {
        lines.add(String.format(Locale.ROOT, "%-15s %s", field + ":", value).stripTrailing());
    }
}
