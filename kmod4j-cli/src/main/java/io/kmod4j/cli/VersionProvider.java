package io.kmod4j.cli;

import picocli.CommandLine;

/** {@code kmod4j --version}: the kmod4j version and the Java runtime it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** kmod4j's version, from the JAR manifest; "dev" when run from classes. */
    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "kmod4j " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
