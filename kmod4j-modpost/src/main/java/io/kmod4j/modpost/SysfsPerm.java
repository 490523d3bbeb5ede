package io.kmod4j.modpost;

import java.util.Optional;

/**
 * Linux's {@code VERIFY_OCTAL_PERMISSIONS} ({@code include/linux/sysfs.h}), which
 * {@code module_param} applies to a parameter's {@code perm} at build time: within
 * {@code 0..0777}; the owner reads if the group does, the group reads if others do; the owner
 * writes if the group does; nobody else writes ("OTHER_WRITABLE? Generally considered a bad
 * idea."). Execute bits are not compared, as in Linux.
 */
final class SysfsPerm {

    private SysfsPerm() {}

    /**
     * Checks a parameter's permissions.
     *
     * @return empty when Linux would build it, else why not
     */
    static Optional<String> problem(int perm) {
        if (perm < 0 || perm > 0777) {
            return Optional.of("perm " + octal(perm) + " is outside 0..0777");
        }
        if ((perm & 0002) != 0) {
            return Optional.of("world-writable parameter (perm " + octal(perm)
                    + "): Linux refuses parameters anyone may write");
        }
        if (bit(perm, 6, 4) < bit(perm, 3, 4)) {
            return Optional.of("perm " + octal(perm) + ": the group may read but the owner may not");
        }
        if (bit(perm, 3, 4) < bit(perm, 0, 4)) {
            return Optional.of("perm " + octal(perm) + ": others may read but the group may not");
        }
        if (bit(perm, 6, 2) < bit(perm, 3, 2)) {
            return Optional.of("perm " + octal(perm) + ": the group may write but the owner may not");
        }
        return Optional.empty();
    }

    /**
     * Octal with a leading {@code 0} and at least three digits, as {@code parmperm} and Linux
     * sources write it: {@code 0444}, {@code 0000}, {@code 01000}; negative values in decimal.
     */
    static String octal(int perm) {
        return perm < 0 ? Integer.toString(perm) : "0" + String.format("%03o", perm);
    }

    private static int bit(int perm, int shift, int mask) {
        return (perm >> shift) & mask;
    }
}
