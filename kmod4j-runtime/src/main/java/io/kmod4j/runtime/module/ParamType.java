package io.kmod4j.runtime.module;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The Linux module parameter types ({@code kernel/params.c}) and how a value given on the
 * command line is read: integers in base 0 ({@code 0x} hex, leading {@code 0} octal), booleans as
 * {@code kstrtobool} reads them, ranges of the C type enforced.
 */
public enum ParamType {
    BOOL("bool"), INVBOOL("invbool"), BYTE("byte"), SHORT("short"), USHORT("ushort"), INT("int"),
    UINT("uint"), LONG("long"), ULONG("ulong"), HEXINT("hexint"), CHARP("charp");

    /** Longest string value accepted ({@code charp} lives in a page in Linux). */
    public static final int MAX_STRING = 4096;
    /** Most elements an array parameter takes. */
    public static final int MAX_ARRAY = 1024;
    /** Most significant digits of an integer: 2^64 - 1 has 22 in octal, fewer in bases 10 and 16. */
    private static final int MAX_DIGITS = 22;

    private final String linuxName;

    ParamType(String linuxName) {
        this.linuxName = linuxName;
    }

    /** The name modinfo prints. */
    public String linuxName() {
        return linuxName;
    }

    /** A parsed type name: the element type and whether it is {@code array of ...}. */
    public record Spec(ParamType type, boolean array) {
        public String linuxName() {
            return array ? "array of " + type.linuxName : type.linuxName;
        }
    }

    /**
     * Parses {@code int}, {@code charp}, {@code array of int}, ...
     *
     * @throws IllegalArgumentException naming the unknown type
     */
    public static Spec parseTypeName(String name) {
        String n = name.trim();
        boolean array = n.startsWith("array of ");
        String element = array ? n.substring("array of ".length()).trim() : n;
        for (ParamType t : values()) {
            if (t.linuxName.equals(element)) {
                return new Spec(t, array);
            }
        }
        throw new IllegalArgumentException("unknown parameter type '" + name + "'");
    }

    /**
     * Reads one value of this type.
     *
     * @param text the value; {@code null} for a bare {@code name} on the command line, which only
     *     the boolean types accept (as {@code true})
     * @return a {@link Boolean}, {@link Long} (every integer type) or {@link String}
     * @throws IllegalArgumentException saying why the value does not fit
     */
    public Object parse(String text) {
        switch (this) {
            case BOOL, INVBOOL -> {
                boolean b = text == null || parseBool(text);
                return this == INVBOOL ? !b : b;
            }
            case CHARP -> {
                if (text == null) {
                    throw new IllegalArgumentException("needs a value");
                }
                if (text.length() > MAX_STRING) {
                    throw new IllegalArgumentException("longer than " + MAX_STRING + " characters");
                }
                return text;
            }
            default -> {
                if (text == null) {
                    throw new IllegalArgumentException("needs a value");
                }
                return parseInteger(text.trim());
            }
        }
    }

    /** The value as {@code /sys/module/X/parameters/P} shows it: {@code Y}/{@code N}, hex for hexint. */
    public String show(Object value) {
        return switch (this) {
            case BOOL, INVBOOL -> ((Boolean) value) ^ (this == INVBOOL) ? "Y" : "N";
            case HEXINT -> "0x" + Long.toHexString((Long) value);
            // parse() keeps a ulong above Long.MAX_VALUE as its two's-complement long; print it
            // unsigned (param_get_ulong's %lu), or 18446744073709551615 would show as -1 and not
            // read back. Found by kmod4j-fuzz (ModuleParamsFuzzTest).
            case ULONG -> Long.toUnsignedString((Long) value);
            case CHARP -> (String) value;
            default -> Long.toString((Long) value);
        };
    }

    private long parseInteger(String s) {
        BigInteger v;
        try {
            String digits = s;
            boolean negative = digits.startsWith("-");
            if (negative || digits.startsWith("+")) {
                digits = digits.substring(1);
            }
            int radix = 10;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                radix = 16;
                digits = digits.substring(2);
            } else if (digits.length() > 1 && digits.startsWith("0")) {
                radix = 8;
                digits = digits.substring(1);
            }
            if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
                throw new NumberFormatException();
            }
            // BigInteger parses in quadratic time: a megabyte of digits (a command line, a
            // control-socket request, a module's own parmdefault) would take half a minute. No
            // 64-bit value needs more than 22 digits in any base here, so refuse longer ones at
            // once, as kstrtoull stops at the first overflow. Leading zeros do not count.
            int first = 0;
            while (first < digits.length() - 1 && digits.charAt(first) == '0') {
                first++;
            }
            if (digits.length() - first > MAX_DIGITS) {
                for (int i = first; i < digits.length(); i++) {
                    if (Character.digit(digits.charAt(i), radix) < 0) {
                        throw new NumberFormatException();
                    }
                }
                throw new IllegalArgumentException("'" + abbreviate(s) + "' is out of range for " + linuxName);
            }
            v = new BigInteger(digits, radix);
            if (negative) {
                v = v.negate();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + abbreviate(s) + "' is not a number");
        }
        BigInteger[] range = range();
        if (v.compareTo(range[0]) < 0 || v.compareTo(range[1]) > 0) {
            throw new IllegalArgumentException("'" + s + "' is out of range for " + linuxName
                    + " (" + range[0] + ".." + range[1] + ")");
        }
        return v.longValue(); // ulong above Long.MAX_VALUE wraps, as a C unsigned long read as signed
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private BigInteger[] range() {
        return switch (this) {
            case BYTE -> bounds(0, 255);
            case SHORT -> bounds(Short.MIN_VALUE, Short.MAX_VALUE);
            case USHORT -> bounds(0, 65535);
            case INT -> bounds(Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT, HEXINT -> bounds(0, 0xFFFF_FFFFL);
            case LONG -> bounds(Long.MIN_VALUE, Long.MAX_VALUE);
            case ULONG -> new BigInteger[] {BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)};
            default -> throw new AssertionError(this);
        };
    }

    private static BigInteger[] bounds(long lo, long hi) {
        return new BigInteger[] {BigInteger.valueOf(lo), BigInteger.valueOf(hi)};
    }

    /** {@code kstrtobool}, plus "true" and "false". */
    static boolean parseBool(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "y", "yes", "1", "on", "true" -> {
                return true;
            }
            case "n", "no", "0", "off", "false" -> {
                return false;
            }
            default -> throw new IllegalArgumentException("'" + text + "' is not a boolean (y/n/1/0/on/off/true/false)");
        }
    }
}
