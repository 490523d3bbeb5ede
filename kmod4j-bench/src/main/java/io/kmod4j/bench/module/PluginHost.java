package io.kmod4j.bench.module;

import io.kmod4j.bench.BenchFiles;
import io.kmod4j.log.LogRing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * What the benchmarks of this package share with the module and the plugin they load: the log
 * the PF4J plugin writes to, and the JARs, made the way their users would make them.
 */
public final class PluginHost {

    /** Where {@link io.kmod4j.bench.module.plugin.HelloPlugin} logs, as a module's printk logs to its kernel's ring. */
    public static final LogRing LOG = new LogRing();

    /** The plugin's id in its manifest. */
    static final String PLUGIN_ID = "hello-plugin";

    private static final String PLUGIN_CLASS = "io.kmod4j.bench.module.plugin.HelloPlugin";

    private PluginHost() {}

    /**
     * Writes the PF4J plugin JAR of {@link io.kmod4j.bench.module.plugin.HelloPlugin}: its class
     * file and the manifest entries PF4J's {@code ManifestPluginDescriptorFinder} reads, as a
     * plugin's Maven build writes them with the JAR plugin's {@code manifestEntries}.
     */
    static Path writePluginJar(Path dir) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", PLUGIN_ID);
        a.putValue("Plugin-Version", "1.0.0");
        a.putValue("Plugin-Class", PLUGIN_CLASS);
        a.putValue("Plugin-Provider", "kmod4j-bench");
        a.putValue("Plugin-Description", "The PF4J twin of examples/hello");
        Path jar = dir.resolve("hello-plugin-1.0.0.jar");
        String entry = PLUGIN_CLASS.replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, mf);
             InputStream bytes = BenchFiles.resource(entry)) {
            out.putNextEntry(new JarEntry(entry));
            bytes.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
