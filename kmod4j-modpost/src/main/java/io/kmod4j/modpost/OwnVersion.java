package io.kmod4j.modpost;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code major.minor} kmod4j-modpost writes as {@code vermagic}: its own version, which
 * Maven filters into {@code version.properties} at its build. kmod4j-modpost and kmod4j-api are
 * released together with one version, so this is the API version the module was built against.
 */
final class OwnVersion {

    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)(?:[.-].*)?");

    private OwnVersion() {}

    /**
     * Reads {@code version.properties} next to this class.
     *
     * @return {@code "0.1"} for version {@code 0.1.0}; empty when the resource is missing or was
     *     not filtered (a broken build of kmod4j-modpost)
     */
    static Optional<String> majorMinor() {
        try (InputStream in = OwnVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            return majorMinor(p.getProperty("version", ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code "1.2"} for {@code "1.2"}, {@code "1.2.3"} or {@code "1.2.3-SNAPSHOT"}; else empty. */
    static Optional<String> majorMinor(String version) {
        Matcher m = MAJOR_MINOR.matcher(version.strip());
        return m.matches() ? Optional.of(m.group(1) + "." + m.group(2)) : Optional.empty();
    }
}
