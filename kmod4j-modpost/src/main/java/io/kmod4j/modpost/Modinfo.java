package io.kmod4j.modpost;

import java.util.List;

/**
 * The content of {@code META-INF/kmod4j/modinfo}, already checked, and its text exactly as
 * {@code docs/module-format.md} lays it out.
 *
 * @param version empty for none (no {@code version=} line)
 * @param description empty for none (no {@code description=} line)
 * @param exit whether the entry class overrides {@code Module.exit()}
 * @param vermagic the API's {@code major.minor}, without the {@code "kmod4j-api "} prefix
 */
record Modinfo(
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
        List<Parm> params,
        boolean exit,
        String vermagic) {

    /** Where the processor writes it, relative to the class output. */
    static final String PATH = "META-INF/kmod4j/modinfo";

    /**
     * One parameter's lines.
     *
     * @param type the Linux type as {@code parmtype} shows it ({@code "array of int"})
     * @param defaultValue the default as written (empty: the type's zero)
     * @param field the name of the entry-class field holding it
     */
    record Parm(String name, String description, String type, String defaultValue, int perm, String field) {}

    /**
     * The file's text: one {@code key=value} line each, {@code '\n'}-terminated, keys in the
     * documented order. {@code version} and {@code description} are left out when empty;
     * {@code depends} is always there, possibly empty. Each parameter gets all five of its lines
     * ({@code parm} even with an empty description), parameter by parameter in field order.
     */
    String render() {
        StringBuilder out = new StringBuilder();
        line(out, "name", name);
        line(out, "entry", entry);
        line(out, "license", license);
        if (!version.isEmpty()) {
            line(out, "version", version);
        }
        if (!description.isEmpty()) {
            line(out, "description", description);
        }
        authors.forEach(a -> line(out, "author", a));
        line(out, "depends", String.join(",", depends));
        exports.forEach(e -> line(out, "export", e));
        firmware.forEach(f -> line(out, "firmware", f));
        aliases.forEach(a -> line(out, "alias", a));
        for (Parm p : params) {
            line(out, "parm", p.name() + ":" + p.description());
            line(out, "parmtype", p.name() + ":" + p.type());
            line(out, "parmdefault", p.name() + ":" + p.defaultValue());
            line(out, "parmperm", p.name() + ":" + SysfsPerm.octal(p.perm()));
            line(out, "parmfield", p.name() + ":" + p.field());
        }
        line(out, "exit", Boolean.toString(exit));
        line(out, "vermagic", "kmod4j-api " + vermagic);
        return out.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=').append(value).append('\n');
    }
}
