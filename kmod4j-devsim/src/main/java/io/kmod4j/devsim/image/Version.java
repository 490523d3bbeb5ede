package io.kmod4j.devsim.image;

import java.util.Comparator;

/**
 * A firmware version {@code major.minor.patch}, each 0 to 65535 (16 bits in the image header).
 * Ordered numerically. Immutable.
 *
 * @param major incompatible changes
 * @param minor compatible features
 * @param patch fixes
 */
public record Version(int major, int minor, int patch) implements Comparable<Version> {

    private static final Comparator<Version> ORDER = Comparator.comparingInt(Version::major)
            .thenComparingInt(Version::minor).thenComparingInt(Version::patch);

    /**
     * @throws IllegalArgumentException if a part is outside 0..65535
     */
    public Version {
        check("major", major);
        check("minor", minor);
        check("patch", patch);
    }

    private static void check(String name, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("version " + name + " " + value + " is outside 0..65535");
        }
    }

    /**
     * Parses {@code "1.2.3"}.
     *
     * @param text three decimal numbers separated by dots
     * @return the version
     * @throws IllegalArgumentException if the text is not of that form or a part is out of range
     */
    public static Version parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("version '" + text + "' is not major.minor.patch");
        }
        int[] v = new int[3];
        for (int i = 0; i < 3; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 5 || !parts[i].chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("version '" + text + "' is not major.minor.patch");
            }
            v[i] = Integer.parseInt(parts[i]);
        }
        return new Version(v[0], v[1], v[2]);
    }

    @Override
    public int compareTo(Version other) {
        return ORDER.compare(this, other);
    }

    /** @return {@code major.minor.patch} */
    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
