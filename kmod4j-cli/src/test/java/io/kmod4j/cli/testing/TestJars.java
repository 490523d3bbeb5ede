package io.kmod4j.cli.testing;

import io.kmod4j.runtime.module.ModuleLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A copy of kmod4j-runtime's test helper of the same name (the CLI does not depend on the
 * runtime's tests). Builds module JARs for tests from classes compiled into the test output: every class file of
 * the entry class's package (nested and anonymous classes included) plus a modinfo written here.
 * Real modules get their modinfo from kmod4j-modpost; the examples test that path.
 */
public final class TestJars {

    private final StringBuilder modinfo = new StringBuilder();
    private final Class<?> entry;
    private final List<String> extraPackages = new ArrayList<>();
    private boolean exitOverride;

    private TestJars(String name, Class<?> entry) {
        this.entry = entry;
        line("name", name);
        line("entry", entry.getName());
        line("license", "GPL");
        exitOverride = declaresExit(entry);
    }

    /** A module called {@code name} whose entry class is {@code entry}. */
    public static TestJars module(String name, Class<?> entry) {
        return new TestJars(name, entry);
    }

    private static boolean declaresExit(Class<?> c) {
        try {
            c.getDeclaredMethod("exit");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private TestJars line(String key, String value) {
        modinfo.append(key).append('=').append(value).append('\n');
        return this;
    }

    public TestJars license(String l) {
        String s = modinfo.toString().replace("license=GPL\n", "license=" + l + "\n");
        modinfo.setLength(0);
        modinfo.append(s);
        return this;
    }

    public TestJars version(String v) {
        return line("version", v);
    }

    public TestJars depends(String... names) {
        return line("depends", String.join(",", names));
    }

    public TestJars export(String pkg) {
        extraPackages.add(pkg);
        return line("export", pkg);
    }

    /** Adds the classes of another package to the JAR (e.g. a bundled "library"). */
    public TestJars bundle(String pkg) {
        extraPackages.add(pkg);
        return this;
    }

    public TestJars alias(String a) {
        return line("alias", a);
    }

    public TestJars firmware(String f) {
        return line("firmware", f);
    }

    /** A parameter held in field {@code field} of the entry class. */
    public TestJars param(String name, String type, String defaultValue, int perm, String field) {
        line("parm", name + ":test parameter " + name);
        line("parmtype", name + ":" + type);
        line("parmdefault", name + ":" + defaultValue);
        line("parmperm", name + ":" + Integer.toOctalString(perm));
        return line("parmfield", name + ":" + field);
    }

    public TestJars vermagic(String v) {
        vermagicOverride = v;
        return this;
    }

    private String vermagicOverride;

    /** Writes the JAR into {@code dir} as {@code <name>.jar}. */
    public Path writeTo(Path dir, String fileName) throws IOException {
        String info = modinfo + "exit=" + exitOverride + "\n" + "vermagic="
                + (vermagicOverride != null ? vermagicOverride : ModuleLoader.VERMAGIC) + "\n";
        Path jar = dir.resolve(fileName);
        Path classes;
        try {
            classes = Path.of(entry.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry("META-INF/kmod4j/modinfo"));
            zip.write(info.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            List<String> packages = new ArrayList<>();
            packages.add(entry.getPackageName());
            packages.addAll(extraPackages);
            for (String pkg : packages.stream().distinct().toList()) {
                Path pkgDir = classes.resolve(pkg.replace('.', '/'));
                try (Stream<Path> files = Files.list(pkgDir)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                        zip.putNextEntry(new JarEntry(pkg.replace('.', '/') + "/" + f.getFileName()));
                        zip.write(Files.readAllBytes(f));
                        zip.closeEntry();
                    }
                }
            }
        }
        return jar;
    }
}
