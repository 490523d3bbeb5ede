package io.kmod4j.runtime.testing;

/**
 * Objects shared between a test and the module it loads. Modules cannot see test classes (their
 * class loader shows only the JDK and kmod4j's API), so both sides use a JDK-level map: the
 * system properties, which hold any object. Keys start with {@code kmodtest.}.
 */
public final class Shared {
    private Shared() {}

    public static void put(String key, Object value) {
        System.getProperties().put(key, value);
    }

    @SuppressWarnings("unchecked")
    public static <T> T get(String key) {
        return (T) System.getProperties().get(key);
    }

    public static void remove(String key) {
        System.getProperties().remove(key);
    }
}
