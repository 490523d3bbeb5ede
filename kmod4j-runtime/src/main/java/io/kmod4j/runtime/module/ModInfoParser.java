package io.kmod4j.runtime.module;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.ModInfo.ParamInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code META-INF/kmod4j/modinfo} (format: {@code docs/module-format.md}). Every error names
 * the file, the line and the key, and is {@code ENOEXEC} as for a malformed {@code .ko}.
 */
public final class ModInfoParser {

    /** Where the metadata lives inside a module JAR. */
    public static final String ENTRY = "META-INF/kmod4j/modinfo";

    /** Module names: as Linux allows in practice, with '-' kept. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,56}");

    private static final Pattern BINARY_NAME =
            Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*(\\$[\\p{javaJavaIdentifierPart}]+)*");

    private ModInfoParser() {}

    /**
     * Parses metadata text.
     *
     * @param file the JAR, for messages and {@link ModInfo#file()}
     * @throws KernelException {@code ENOEXEC} naming file, line and key for anything malformed
     */
    public static ModInfo parse(Path file, String text) throws KernelException {
        List<Map.Entry<String, String>> raw = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw bad(file, i + 1, "expected key=value, found '" + abbreviate(line) + "'");
            }
            raw.add(Map.entry(line.substring(0, eq).trim(), line.substring(eq + 1)));
            lineNumbers.add(i + 1);
        }
        Fields f = new Fields(file, raw, lineNumbers);
        String name = f.once("name", true);
        if (!NAME.matcher(name).matches()) {
            throw bad(file, f.lineOf("name"), "name '" + name + "' must match " + NAME.pattern());
        }
        String entry = f.once("entry", true);
        if (!BINARY_NAME.matcher(entry).matches()) {
            throw bad(file, f.lineOf("entry"), "entry '" + entry + "' is not a class name");
        }
        String license = f.once("license", true);
        String vermagic = f.once("vermagic", true);
        String dependsText = f.once("depends", false);
        List<String> depends = new ArrayList<>();
        if (dependsText != null && !dependsText.isBlank()) {
            for (String d : dependsText.split(",")) {
                String dep = d.trim();
                if (!NAME.matcher(dep).matches()) {
                    throw bad(file, f.lineOf("depends"), "depends entry '" + dep + "' is not a module name");
                }
                depends.add(dep);
            }
        }
        String exit = f.once("exit", false);
        if (exit != null && !exit.equals("true") && !exit.equals("false")) {
            throw bad(file, f.lineOf("exit"), "exit must be true or false, was '" + exit + "'");
        }
        return new ModInfo(file, name, entry, license, orEmpty(f.once("version", false)),
                orEmpty(f.once("description", false)), f.all("author"), depends, f.all("export"),
                f.all("firmware"), f.all("alias"), params(f), !"false".equals(exit), vermagic, raw);
    }

    private static List<ParamInfo> params(Fields f) throws KernelException {
        Map<String, String[]> byName = new LinkedHashMap<>(); // desc, type, default, perm, field
        collect(f, "parm", 0, byName);
        collect(f, "parmtype", 1, byName);
        collect(f, "parmdefault", 2, byName);
        collect(f, "parmperm", 3, byName);
        collect(f, "parmfield", 4, byName);
        List<ParamInfo> out = new ArrayList<>();
        for (Map.Entry<String, String[]> e : byName.entrySet()) {
            String[] v = e.getValue();
            String pname = e.getKey();
            if (v[1] == null) {
                throw bad(f.file, f.lineOf("parm"), "parameter '" + pname + "' has no parmtype");
            }
            try {
                ParamType.parseTypeName(v[1]);
            } catch (IllegalArgumentException ex) {
                throw bad(f.file, f.lineOf("parmtype"), "parameter '" + pname + "': " + ex.getMessage());
            }
            int perm = 0444;
            if (v[3] != null) {
                try {
                    perm = Integer.parseInt(v[3], 8);
                } catch (NumberFormatException ex) {
                    throw bad(f.file, f.lineOf("parmperm"), "parameter '" + pname + "': perm '" + v[3] + "' is not octal");
                }
                // A sysfs mode is 0..0777 (Linux checks it at build time, VERIFY_OCTAL_PERMISSIONS).
                // "-4" parsed as octal and went on as a negative mode that modinfo's JSON form could
                // not carry back. Found by kmod4j-fuzz (ModuleMetadataFuzzTest#modinfo).
                if (perm < 0 || perm > 0777) {
                    throw bad(f.file, f.lineOf("parmperm"), "parameter '" + pname + "': perm '" + v[3]
                            + "' is not a mode from 0 to 0777");
                }
            }
            out.add(new ParamInfo(pname, v[1], orEmpty(v[0]), orEmpty(v[2]), perm, v[4] == null ? pname : v[4]));
        }
        return out;
    }

    private static void collect(Fields f, String key, int slot, Map<String, String[]> byName) throws KernelException {
        for (String value : f.all(key)) {
            int colon = value.indexOf(':');
            if (colon <= 0) {
                throw bad(f.file, f.lineOf(key), key + " must be NAME:VALUE, was '" + abbreviate(value) + "'");
            }
            String pname = value.substring(0, colon);
            byName.computeIfAbsent(pname, k -> new String[5])[slot] = value.substring(colon + 1);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    static KernelException bad(Path file, int line, String why) {
        return new KernelException(Errno.ENOEXEC, file + ": " + ENTRY + (line > 0 ? " line " + line : "") + ": " + why);
    }

    /** Key lookup with line numbers for messages. */
    private static final class Fields {
        private final Path file;
        private final List<Map.Entry<String, String>> raw;
        private final List<Integer> lineNumbers;

        Fields(Path file, List<Map.Entry<String, String>> raw, List<Integer> lineNumbers) {
            this.file = file;
            this.raw = raw;
            this.lineNumbers = lineNumbers;
        }

        String once(String key, boolean required) throws KernelException {
            String found = null;
            for (Map.Entry<String, String> e : raw) {
                if (e.getKey().equals(key)) {
                    if (found != null) {
                        throw bad(file, lineOf(key), "key '" + key + "' appears more than once");
                    }
                    found = e.getValue();
                }
            }
            if (required && (found == null || found.isBlank())) {
                throw bad(file, 0, "required key '" + key + "' is missing");
            }
            return found;
        }

        List<String> all(String key) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> e : raw) {
                if (e.getKey().equals(key)) {
                    out.add(e.getValue());
                }
            }
            return out;
        }

        /** The file's line number of the first occurrence of {@code key}, for messages; 0 if absent. */
        int lineOf(String key) {
            for (int i = 0; i < raw.size(); i++) {
                if (raw.get(i).getKey().equals(key)) {
                    return lineNumbers.get(i);
                }
            }
            return 0;
        }
    }
}
