package io.kmod4j.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A private temporary directory per fuzzing JVM, removed when the JVM exits. Fuzz targets never
 * touch a path outside one, so a run leaves nothing behind and cannot damage the machine even when
 * an input names {@code /}.
 */
public final class Sandbox {

    private Sandbox() {}

    /** A new empty directory under the JVM's temporary directory, deleted at exit. */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix).toRealPath();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "delete " + dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a tree without following links out of it; best effort. */
    public static void deleteQuietly(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up what is left
        }
    }
}
