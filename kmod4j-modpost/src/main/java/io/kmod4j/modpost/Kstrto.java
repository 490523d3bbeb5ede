package io.kmod4j.modpost;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Linux's text-to-number and text-to-bool conversions ({@code lib/kstrtox.c}), as
 * {@code module_param}'s setters apply them to a value given at load time. kmod4j-modpost uses
 * them to refuse, at build time, a {@code @Param} default that {@code insmod} would refuse.
 *
 * <p>Differences from Linux: booleans are whole words (see {@link #bool}); no trailing newline
 * is accepted (values cannot contain one); only base 0 (auto-detected) is implemented, the base
 * every integer {@code param_set_*} uses.
 */
final class Kstrto {

    /** Outcome of a conversion, as Linux's {@code 0}, {@code -EINVAL} and {@code -ERANGE}. */
    sealed interface Result {}

    /** The text is a number. */
    record Parsed(BigInteger value) implements Result {}

    /** {@code -EINVAL}: the text is not a number in any base. */
    record Invalid() implements Result {}

    private static final BigInteger ULLONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Kstrto() {}

    /**
     * {@code kstrtobool}'s words, whole and in any case: {@code y yes 1 on true} are
     * {@code true}, {@code n no 0 off false} are {@code false}. Linux looks only at the first
     * one or two characters (so it also takes {@code "yellow"}, {@code "t"}, {@code "enable"});
     * the kmod4j runtime does not, and a default must never pass here and fail at load time.
     *
     * @return the value, or null for {@code -EINVAL} (including the empty string)
     */
    static Boolean bool(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "y", "yes", "1", "on", "true" -> Boolean.TRUE;
            case "n", "no", "0", "off", "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    /**
     * {@code kstrtoull(s, 0)} without the 64-bit limit: an optional {@code '+'}, then decimal,
     * {@code 0x} hexadecimal or {@code 0}-prefixed octal. The caller checks the range of the
     * type it converts to (values above {@code ULLONG_MAX} are Linux's {@code -ERANGE}).
     */
    static Result unsigned(String s) {
        return magnitude(s.startsWith("+") ? s.substring(1) : s);
    }

    /**
     * {@code kstrtoll(s, 0)} without the 64-bit limit: as {@link #unsigned}, or a {@code '-'}
     * followed by an unsigned number without sign.
     */
    static Result signed(String s) {
        if (s.startsWith("-")) {
            Result r = magnitude(s.substring(1));
            return r instanceof Parsed(BigInteger v) ? new Parsed(v.negate()) : r;
        }
        return unsigned(s);
    }

    /** {@code ULLONG_MAX}, the largest value {@code kstrtoull} returns. */
    static BigInteger ullongMax() {
        return ULLONG_MAX;
    }

    /*
     * _kstrtoull with base 0: _parse_integer_fixup_radix picks 16 for "0x" followed by a hex
     * digit, 8 for a leading '0', else 10; then at least one digit and nothing after the digits.
     */
    private static Result magnitude(String s) {
        int radix = 10;
        int start = 0;
        if (s.length() >= 3 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')
                && digit(s.charAt(2), 16) >= 0) {
            radix = 16;
            start = 2;
        } else if (s.startsWith("0")) {
            radix = 8;
        }
        if (start == s.length()) {
            return new Invalid();
        }
        for (int i = start; i < s.length(); i++) {
            if (digit(s.charAt(i), radix) < 0) {
                return new Invalid();
            }
        }
        return new Parsed(new BigInteger(s.substring(start), radix));
    }

    // ASCII only, as the kernel's; Character.digit would accept other scripts' digits.
    private static int digit(char c, int radix) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        return d < radix ? d : -1;
    }
}
