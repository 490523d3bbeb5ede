package io.kmod4j.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Finds the example module JARs the demo loads: packed inside kmod4j.jar under
 * {@code kmod4j/demo/} by the build (copied out to a directory, as a user's modules directory
 * would be), or else next to the sources, in {@code examples/<name>/target/}.
 */
final class DemoModules {

    private DemoModules() {}

    /**
     * Copies (or finds) {@code names} into {@code dir}.
     *
     * @return the JAR of each name, in order
     * @throws IOException if a JAR is nowhere to be found, naming it and how to build it
     */
    static List<Path> materialise(Path dir, String... names) throws IOException {
        Files.createDirectories(dir);
        java.util.ArrayList<Path> out = new java.util.ArrayList<>();
        for (String name : names) {
            Path target = dir.resolve(name + ".jar");
            try (InputStream in = DemoModules.class.getResourceAsStream("/kmod4j/demo/" + name + ".jar")) {
                if (in != null) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    out.add(target);
                    continue;
                }
            }
            Path built = findBuilt(name);
            Files.copy(built, target, StandardCopyOption.REPLACE_EXISTING);
            out.add(target);
        }
        return out;
    }

    private static Path findBuilt(String name) throws IOException {
        for (Path base = Path.of("").toAbsolutePath(); base != null; base = base.getParent()) {
            Path targetDir = base.resolve("examples").resolve(name).resolve("target");
            if (Files.isDirectory(targetDir)) {
                try (var files = Files.list(targetDir)) {
                    var jar = files.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(name)
                            + "-[0-9][^/]*\\.jar") && !p.getFileName().toString().contains("original")).findFirst();
                    if (jar.isPresent()) {
                        return jar.get();
                    }
                }
            }
        }
        throw new IOException("example module '" + name + "' not found in kmod4j.jar or examples/" + name
                + "/target; build it with ./build package");
    }
}
