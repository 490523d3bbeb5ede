package io.kmod4j.modpost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** VERIFY_OCTAL_PERMISSIONS, checked against the macro's own arithmetic for every value. */
class SysfsPermTest {

    /** The macro from include/linux/sysfs.h, transcribed: true where it would BUILD_BUG. */
    private static boolean linuxRefuses(int perms) {
        return perms < 0
                || perms > 0777
                || ((perms >> 6) & 4) < ((perms >> 3) & 4)
                || ((perms >> 3) & 4) < (perms & 4)
                || ((perms >> 6) & 2) < ((perms >> 3) & 2)
                || (perms & 2) != 0;
    }

    @Test
    void agreesWithTheMacroOnEveryValueFromMinusOneTo01000() {
        for (int perm = -1; perm <= 01000; perm++) {
            assertThat(SysfsPerm.problem(perm).isPresent()).as("perm %o", perm).isEqualTo(linuxRefuses(perm));
        }
    }

    @Test
    void worldWritableIsNamedSo() {
        assertThat(SysfsPerm.problem(0646)).hasValue(
                "world-writable parameter (perm 0646): Linux refuses parameters anyone may write");
    }

    @Test
    void octalIsWrittenWithALeadingZeroAndThreeDigits() {
        assertThat(SysfsPerm.octal(0)).isEqualTo("0000");
        assertThat(SysfsPerm.octal(0444)).isEqualTo("0444");
        assertThat(SysfsPerm.octal(044)).isEqualTo("0044");
        assertThat(SysfsPerm.octal(01000)).isEqualTo("01000");
        assertThat(SysfsPerm.octal(-1)).isEqualTo("-1");
    }
}
