package io.kmod4j.modpost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles Java source strings in-process with {@link ModpostProcessor} (and any extra
 * processors a test brings), kmod4j-api on the class path, into a temporary directory that is
 * deleted before returning.
 */
final class Javac {

    /** An error or warning as javac reported it: 1-based line in its source, and the text. */
    record Diag(Diagnostic.Kind kind, String file, long line, String message) {}

    /**
     * The outcome of one compilation.
     *
     * @param modinfo the text of {@code META-INF/kmod4j/modinfo}, empty when none was written
     */
    record Result(boolean success, List<Diag> diagnostics, Optional<String> modinfo) {

        List<Diag> errors() {
            return diagnostics.stream().filter(d -> d.kind() == Diagnostic.Kind.ERROR).toList();
        }

        /** Errors as {@code "LINE: message"}, for readable assertions. */
        List<String> errorLines() {
            return errors().stream().map(d -> d.line() + ": " + d.message()).toList();
        }
    }

    /** One source file: its binary class name ({@code "a.b.C"}) and text. */
    record Source(String className, String text) {

        /** The 1-based line of the first line containing {@code marker}. */
        long lineOf(String marker) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains(marker)) {
                    return i + 1;
                }
            }
            throw new IllegalArgumentException("no line contains " + marker);
        }
    }

    private static final JavaCompiler COMPILER = ToolProvider.getSystemJavaCompiler();
    // One file manager for all compilations: it caches the platform classes, which makes a
    // compilation several times faster. Compilations take turns on it.
    private static final StandardJavaFileManager FILES = fileManager();

    private Javac() {}

    static Source source(String className, String text) {
        return new Source(className, text);
    }

    /** Compiles {@code sources} with a fresh {@link ModpostProcessor}. */
    static Result compile(Source... sources) {
        return compile(List.of(sources), List.of());
    }

    /** Compiles {@code sources} with a fresh {@link ModpostProcessor} after {@code others}. */
    static Result compile(List<Source> sources, List<Processor> others) {
        Path out = null;
        try {
            out = Files.createTempDirectory("modpost-test");
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            List<Processor> processors = new ArrayList<>(others);
            processors.add(new ModpostProcessor());
            boolean ok;
            synchronized (FILES) {
                FILES.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
                JavaCompiler.CompilationTask task = COMPILER.getTask(null, FILES, diagnostics,
                        List.of("-Xlint:all", "-proc:full"), null, sources.stream().map(Javac::fileObject).toList());
                task.setProcessors(processors);
                task.setLocale(Locale.ROOT);
                ok = task.call();
            }
            List<Diag> diags = diagnostics.getDiagnostics().stream()
                    .map(d -> new Diag(d.getKind(), d.getSource() == null ? "" : d.getSource().getName(),
                            d.getLineNumber(), d.getMessage(Locale.ROOT)))
                    .toList();
            Path modinfo = out.resolve("META-INF/kmod4j/modinfo");
            Optional<String> text = Files.exists(modinfo)
                    ? Optional.of(Files.readString(modinfo, StandardCharsets.UTF_8)) : Optional.empty();
            return new Result(ok, diags, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(out);
        }
    }

    private static JavaFileObject fileObject(Source s) {
        URI uri = URI.create("string:///" + s.className().replace('.', '/') + ".java");
        return new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return s.text();
            }
        };
    }

    private static StandardJavaFileManager fileManager() {
        StandardJavaFileManager files = COMPILER.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        try {
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, List.of(snapshotOfApi()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put kmod4j-api on the class path", e);
        }
        return files;
    }

    /*
     * A private copy of kmod4j-api (its JAR, or its classes directory in a reactor build): other
     * builds may reinstall the original while these tests read it, and javac would then see a
     * torn JAR. The copy is checked by reading Module.class from it, and retaken if torn.
     */
    private static Path snapshotOfApi() throws IOException {
        Path api;
        try {
            api = Path.of(io.kmod4j.Module.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path copy = Files.createTempDirectory("modpost-test-api");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(copy)));
        if (Files.isDirectory(api)) {
            try (Stream<Path> walk = Files.walk(api)) {
                for (Path p : walk.toList()) {
                    Files.copy(p, copy.resolve(api.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return copy;
        }
        Path jar = copy.resolve("kmod4j-api.jar");
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Files.copy(api, jar, StandardCopyOption.REPLACE_EXISTING);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.getInputStream(zip.getEntry("io/kmod4j/Module.class")).readAllBytes();
                return jar;
            } catch (IOException | NullPointerException e) {
                last = e instanceof IOException io ? io : new IOException(e);
            }
        }
        throw new IOException("kmod4j-api JAR " + api + " stays unreadable", last);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
