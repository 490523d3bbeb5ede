package io.kmod4j.log;

/**
 * The eight printk log levels ({@code include/linux/kern_levels.h}), most severe first.
 * {@link #number()} is the Linux level number that {@code dmesg -r} shows as {@code <n>}.
 */
public enum Level {
    EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, INFO, DEBUG;

    /** Linux's number for the level: 0 for EMERG to 7 for DEBUG. */
    public int number() {
        return ordinal();
    }

    /** The lower-case name {@code dmesg --level} accepts: emerg, alert, crit, err, warn, ... */
    public String dmesgName() {
        return this == WARNING ? "warn" : name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a level by its dmesg name, its enum name or its number.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static Level parse(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        for (Level l : values()) {
            if (l.dmesgName().equals(v) || l.name().toLowerCase(java.util.Locale.ROOT).equals(v)
                    || Integer.toString(l.number()).equals(v)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown log level '" + s
                + "' (expected emerg, alert, crit, err, warn, notice, info, debug or 0-7)");
    }
}
