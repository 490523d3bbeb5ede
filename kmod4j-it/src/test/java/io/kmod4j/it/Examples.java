package io.kmod4j.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example module JARs that Maven built in examples/ (the reactor builds them first). */
final class Examples {
    private Examples() {}

    /** {@code examples/<dir>/target/<dir>-<version>.jar}. */
    static Path jar(String dir) {
        Path base = Path.of(System.getProperty("kmod4j.examples.dir", "../examples"));
        String version = System.getProperty("kmod4j.version", "0.1.0");
        Path jar = base.resolve(dir).resolve("target").resolve(dir + "-" + version + ".jar").normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the examples first (./build package)");
        }
        return jar;
    }
}
