package kmodtest.bundled.lib;

/** Stands for a third-party library a module bundles inside its JAR. */
public final class Library {
    private Library() {}

    public static String hello() {
        return "library bundled in the module";
    }
}
