package io.kmod4j.tftp;

/**
 * The option names this package negotiates, as they travel (lower case; matched ignoring case),
 * and the parsing of their values.
 */
public final class OptionNames {
    /** Block size, RFC 2348. */
    public static final String BLKSIZE = "blksize";
    /** Retransmission timeout in seconds, RFC 2349. */
    public static final String TIMEOUT = "timeout";
    /** Transfer size in bytes, RFC 2349. */
    public static final String TSIZE = "tsize";
    /** Window size in blocks, RFC 7440. */
    public static final String WINDOWSIZE = "windowsize";

    private OptionNames() {
    }

    /**
     * Parses a decimal option value without overflow, for both sides of a negotiation.
     *
     * @return the value, or -1 if it is not 1 to 18 ASCII digits
     */
    static long parseDecimal(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
