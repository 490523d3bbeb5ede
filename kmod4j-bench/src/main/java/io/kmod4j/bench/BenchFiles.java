package io.kmod4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files the benchmarks set up: module JARs from the benchmark JAR, temporary trees. */
public final class BenchFiles {

    private BenchFiles() {}

    /**
     * Copies a module JAR that the bench module's build put under {@code modules/} (the example's
     * own Maven build output: {@code hello}, {@code tftp-flash}) to {@code dir/NAME.jar}, as a
     * user's module directory would hold it.
     *
     * @throws IOException if the JAR is not in the benchmark JAR or cannot be written
     */
    public static Path copyModuleJar(String name, Path dir) throws IOException {
        Path jar = dir.resolve(name + ".jar");
        try (InputStream in = resource("modules/" + name + ".jar")) {
            Files.copy(in, jar);
        }
        return jar;
    }

    /** A resource of the benchmark JAR. */
    public static InputStream resource(String name) throws IOException {
        InputStream in = BenchFiles.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not in the benchmark JAR; rebuild with ./build bench");
        }
        return in;
    }

    /** Deletes a directory tree made by a benchmark's setup; nothing if absent. */
    public static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
