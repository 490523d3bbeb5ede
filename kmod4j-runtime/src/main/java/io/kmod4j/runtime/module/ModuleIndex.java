package io.kmod4j.runtime.module;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The module index of a directory: what {@code depmod} writes and {@code modprobe} reads.
 *
 * <ul>
 *   <li>{@code modules.dep}: {@code path.jar: dep.jar dep2.jar}, every dependency (transitively),
 *       listed so that loading them from right to left, then the module, works (Linux's order);
 *   <li>{@code modules.alias}: {@code alias PATTERN module} (patterns may use {@code *} and
 *       {@code ?});
 *   <li>{@code modules.names}: {@code module path.jar}, because a JAR's file name need not be its
 *       module's name.
 * </ul>
 * Paths are relative to the directory. Files are replaced atomically.
 */
public final class ModuleIndex {

    /** One module of the index. */
    public record Entry(String name, Path jar, List<String> dependencyChain) {}

    /** What {@code depmod} did. */
    public record DepmodResult(Path dir, int modules, int aliases, List<String> warnings) {
        public DepmodResult {
            warnings = List.copyOf(warnings);
        }
    }

    private final Path dir;
    private final Map<String, Entry> byName;
    private final List<Map.Entry<String, String>> aliases; // pattern -> module

    private ModuleIndex(Path dir, Map<String, Entry> byName, List<Map.Entry<String, String>> aliases) {
        this.dir = dir;
        this.byName = byName;
        this.aliases = aliases;
    }

    /**
     * Scans {@code dir} (and its subdirectories, four levels deep) for module JARs and writes the
     * index files into it.
     *
     * @throws KernelException ENOENT if the directory does not exist, EIO if it cannot be written
     */
    public static DepmodResult depmod(Path dir) throws KernelException {
        if (!Files.isDirectory(dir)) {
            throw new KernelException(Errno.ENOENT, "depmod: " + dir + ": no such directory");
        }
        List<String> warnings = new ArrayList<>();
        Map<String, ModInfo> infos = new TreeMap<>();
        Map<String, Path> paths = new LinkedHashMap<>();
        List<Path> jars;
        try (Stream<Path> walk = Files.walk(dir, 4)) {
            jars = walk.filter(p -> p.toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "depmod: cannot read " + dir + ": " + e.getMessage(), e);
        }
        for (Path jar : jars) {
            ModInfo info;
            try {
                info = ModuleJar.readInfo(jar);
            } catch (KernelException e) {
                warnings.add("depmod: WARNING: skipping " + dir.relativize(jar) + ": " + e.getMessage());
                continue;
            }
            if (paths.containsKey(info.name())) {
                warnings.add("depmod: WARNING: module " + info.name() + " is in both " + dir.relativize(paths.get(info.name()))
                        + " and " + dir.relativize(jar) + "; using the first");
                continue;
            }
            infos.put(info.name(), info);
            paths.put(info.name(), jar);
        }
        StringBuilder dep = new StringBuilder();
        StringBuilder names = new StringBuilder();
        StringBuilder alias = new StringBuilder();
        int aliasCount = 0;
        for (Map.Entry<String, ModInfo> e : infos.entrySet()) {
            String name = e.getKey();
            List<String> chain;
            try {
                chain = chain(name, infos, new LinkedHashSet<>());
            } catch (IllegalStateException problem) {
                warnings.add("depmod: " + problem.getMessage());
                continue;
            }
            Path rel = dir.relativize(paths.get(name));
            dep.append(slash(rel)).append(':');
            // Right to left loads: the deepest dependency is listed last.
            List<String> reversed = new ArrayList<>(chain);
            java.util.Collections.reverse(reversed);
            for (String d : reversed) {
                dep.append(' ').append(slash(dir.relativize(paths.get(d))));
            }
            dep.append('\n');
            names.append(name).append(' ').append(slash(rel)).append('\n');
            for (String a : e.getValue().aliases()) {
                alias.append("alias ").append(a).append(' ').append(name).append('\n');
                aliasCount++;
            }
        }
        write(dir.resolve("modules.dep"), dep.toString());
        write(dir.resolve("modules.names"), names.toString());
        write(dir.resolve("modules.alias"), alias.toString());
        return new DepmodResult(dir, infos.size(), aliasCount, warnings);
    }

    /** Dependencies of {@code name} in load order (first to load first). */
    private static List<String> chain(String name, Map<String, ModInfo> infos, Set<String> visiting) {
        if (!visiting.add(name)) {
            throw new IllegalStateException("ERROR: Cycle detected: " + String.join(" -> ", visiting) + " -> " + name);
        }
        List<String> out = new ArrayList<>();
        for (String d : infos.get(name).depends()) {
            if (!infos.containsKey(d)) {
                throw new IllegalStateException("WARNING: " + name + " needs unknown module " + d + "; not indexed");
            }
            for (String dd : chain(d, infos, visiting)) {
                if (!out.contains(dd)) {
                    out.add(dd);
                }
            }
            if (!out.contains(d)) {
                out.add(d);
            }
        }
        visiting.remove(name);
        return out;
    }

    /**
     * Reads the index {@code depmod} wrote in {@code dir}.
     *
     * @throws KernelException ENOENT if there is none ("run depmod"), ENOEXEC if it is malformed
     */
    public static ModuleIndex read(Path dir) throws KernelException {
        Map<String, Path> pathOf = new LinkedHashMap<>();
        Map<String, Entry> byName = new LinkedHashMap<>();
        List<Map.Entry<String, String>> aliases = new ArrayList<>();
        try {
            List<String> names = Files.readAllLines(dir.resolve("modules.names"), StandardCharsets.UTF_8);
            Map<String, String> nameOfPath = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String line = names.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split(" ", 2);
                if (parts.length != 2) {
                    throw new KernelException(Errno.ENOEXEC, dir.resolve("modules.names") + " line " + (i + 1) + ": expected 'module path'");
                }
                pathOf.put(parts[0], dir.resolve(parts[1]));
                nameOfPath.put(parts[1], parts[0]);
            }
            List<String> deps = Files.readAllLines(dir.resolve("modules.dep"), StandardCharsets.UTF_8);
            for (int i = 0; i < deps.size(); i++) {
                String line = deps.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                String name = colon < 0 ? null : nameOfPath.get(line.substring(0, colon));
                if (name == null) {
                    throw new KernelException(Errno.ENOEXEC, dir.resolve("modules.dep") + " line " + (i + 1)
                            + ": unknown module file (is modules.names stale? run depmod)");
                }
                List<String> chain = new ArrayList<>();
                String rest = line.substring(colon + 1).strip();
                if (!rest.isEmpty()) {
                    for (String p : rest.split("\\s+")) {
                        String d = nameOfPath.get(p);
                        if (d == null) {
                            throw new KernelException(Errno.ENOEXEC, dir.resolve("modules.dep") + " line " + (i + 1)
                                    + ": unknown dependency file " + p + " (run depmod)");
                        }
                        chain.add(0, d); // right to left: the first to load is the last listed
                    }
                }
                byName.put(name, new Entry(name, pathOf.get(name), List.copyOf(chain)));
            }
            for (String line : Files.readAllLines(dir.resolve("modules.alias"), StandardCharsets.UTF_8)) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 3 && parts[0].equals("alias")) {
                    aliases.add(Map.entry(parts[1], parts[2]));
                }
            }
        } catch (NoSuchFileException e) {
            throw new KernelException(Errno.ENOENT, "no module index in " + dir + " (" + e.getFile()
                    + " is missing): run 'kmod4j depmod " + dir + "' first");
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "cannot read the module index in " + dir + ": " + e.getMessage(), e);
        }
        return new ModuleIndex(dir, byName, aliases);
    }

    /** Finds a module by name, else by the first alias pattern that matches. */
    public Optional<Entry> lookup(String nameOrAlias) {
        Entry direct = byName.get(nameOrAlias);
        if (direct != null) {
            return Optional.of(direct);
        }
        for (Map.Entry<String, String> a : aliases) {
            if (globMatches(a.getKey(), nameOrAlias)) {
                return Optional.ofNullable(byName.get(a.getValue()));
            }
        }
        return Optional.empty();
    }

    /** The entry for a module name, if indexed. */
    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The directory indexed. */
    public Path dir() {
        return dir;
    }

    private static boolean globMatches(String pattern, String text) {
        if (!pattern.contains("*") && !pattern.contains("?")) {
            return pattern.equals(text);
        }
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return text.matches(re.toString());
    }

    private static String slash(Path p) {
        return p.toString().replace(FileSystems.getDefault().getSeparator(), "/");
    }

    private static void write(Path file, String text) throws KernelException {
        try {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "depmod: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

}
