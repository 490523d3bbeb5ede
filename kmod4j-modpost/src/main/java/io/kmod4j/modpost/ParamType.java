package io.kmod4j.modpost;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Linux parameter types ({@code include/linux/moduleparam.h}, {@code param_ops_*}) a
 * {@code @Param} can declare, the Java field type each one lives in, and the text each accepts.
 *
 * <p>Ranges are Linux's: {@code byte} is an {@code unsigned char} (0..255), {@code ushort},
 * {@code uint}, {@code hexint} and {@code ulong} are unsigned. An unsigned value is stored in the
 * Java field of the same width with the same bits ({@code uint} 4294967295 reads as {@code -1}
 * in an {@code int}).
 */
enum ParamType {
    BOOL("bool", Carrier.BOOLEAN, null, null),
    INVBOOL("invbool", Carrier.BOOLEAN, null, null),
    BYTE("byte", Carrier.BYTE, 0, 0xFF),
    SHORT("short", Carrier.SHORT, Short.MIN_VALUE, Short.MAX_VALUE),
    USHORT("ushort", Carrier.SHORT, 0, 0xFFFF),
    INT("int", Carrier.INT, Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT("uint", Carrier.INT, 0, 0xFFFF_FFFFL),
    HEXINT("hexint", Carrier.INT, 0, 0xFFFF_FFFFL),
    LONG("long", Carrier.LONG, Long.MIN_VALUE, Long.MAX_VALUE),
    ULONG("ulong", Carrier.LONG, BigInteger.ZERO, Kstrto.ullongMax()),
    CHARP("charp", Carrier.STRING, null, null);

    /** The prefix of an array type's name, as {@code modinfo} prints it. */
    static final String ARRAY_OF = "array of ";

    private final String linuxName;
    private final Carrier carrier;
    private final BigInteger min;
    private final BigInteger max;

    ParamType(String linuxName, Carrier carrier, long min, long max) {
        this(linuxName, carrier, BigInteger.valueOf(min), BigInteger.valueOf(max));
    }

    ParamType(String linuxName, Carrier carrier, BigInteger min, BigInteger max) {
        this.linuxName = linuxName;
        this.carrier = carrier;
        this.min = min;
        this.max = max;
    }

    /** The name Linux and {@code modinfo} use ({@code "uint"}). */
    String linuxName() {
        return linuxName;
    }

    /** The Java type of a field that holds this type. */
    Carrier carrier() {
        return carrier;
    }

    /** The type a field of {@code carrier} gets when {@code @Param.type()} is empty. */
    static ParamType natural(Carrier carrier) {
        return switch (carrier) {
            case BOOLEAN -> BOOL;
            case BYTE -> BYTE;
            case SHORT -> SHORT;
            case INT -> INT;
            case LONG -> LONG;
            case STRING -> CHARP;
        };
    }

    /** Looks a type up by its Linux name (exact, lower case). */
    static Optional<ParamType> byLinuxName(String name) {
        return Arrays.stream(values()).filter(t -> t.linuxName.equals(name)).findFirst();
    }

    /** The Linux names of the types a field of {@code carrier} may declare: {@code "int or uint or hexint"}. */
    static String namesFor(Carrier carrier) {
        return Arrays.stream(values()).filter(t -> t.carrier == carrier)
                .map(ParamType::linuxName).collect(Collectors.joining(" or "));
    }

    /** All Linux names, space-separated. */
    static String allNames() {
        return Arrays.stream(values()).map(ParamType::linuxName).collect(Collectors.joining(" "));
    }

    /**
     * Checks one value as {@code param_set_<type>} would parse it.
     *
     * @return empty when Linux would accept it, else why not ({@code "\"300\" is out of range
     *     for byte (0..255)"})
     */
    Optional<String> problem(String text) {
        return switch (this) {
            case CHARP -> Optional.empty();
            case BOOL, INVBOOL -> Kstrto.bool(text) != null ? Optional.empty()
                    : Optional.of(quote(text) + " is not a valid " + linuxName
                            + " (y/n, yes/no, 1/0, on/off, true/false)");
            case SHORT, INT, LONG -> range(text, Kstrto.signed(text));
            // kstrtoull: a minus sign is -EINVAL, even on "-0".
            case BYTE, USHORT, UINT, HEXINT, ULONG -> text.startsWith("-")
                    ? Optional.of(quote(text) + " is not a valid " + linuxName + " (unsigned: no minus sign)")
                    : range(text, Kstrto.unsigned(text));
        };
    }

    private Optional<String> range(String text, Kstrto.Result r) {
        return switch (r) {
            case Kstrto.Invalid() -> Optional.of(quote(text) + " is not a valid " + linuxName
                    + " (decimal, 0x hexadecimal or 0-prefixed octal)");
            case Kstrto.Parsed(BigInteger v) -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0
                    ? Optional.empty()
                    : Optional.of(quote(text) + " is out of range for " + linuxName
                            + " (" + min + ".." + max + ")");
        };
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }
}
