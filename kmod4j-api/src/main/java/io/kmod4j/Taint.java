package io.kmod4j;

/**
 * Taint flags: marks that something happened which makes later behaviour less trustworthy
 * ({@code include/linux/panic.h}, {@code Documentation/admin-guide/tainted-kernels.rst}).
 *
 * <p>The letters and bit numbers are Linux's where Linux has the flag. {@link #LEAKED} is
 * kmod4j's own: a module was unloaded while something of it (a thread, its class loader) could
 * not be shown to be gone.
 */
public enum Taint {
    /** 'P': a module with a non-GPL-compatible licence was loaded. */
    PROPRIETARY_MODULE('P', 0),
    /** 'F': a module was loaded by force. */
    FORCED_MODULE('F', 1),
    /** 'R': a module was unloaded by force ({@code rmmod -f}). */
    FORCED_RMMOD('R', 3),
    /** 'D': an oops happened (an exception escaped a kernel thread or a callback). */
    DIE('D', 7),
    /** 'W': a warning was issued. */
    WARN('W', 9),
    /** 'O': an out-of-tree module was loaded. */
    OOT_MODULE('O', 12),
    /** 'E': an unsigned module was loaded. */
    UNSIGNED_MODULE('E', 13),
    /** 'N': a test module was loaded. */
    TEST('N', 18),
    /** 'Z' (kmod4j): unloaded code may still be reachable: a leaked thread or class loader. */
    LEAKED('Z', 31);

    private final char letter;
    private final int bit;

    Taint(char letter, int bit) {
        this.letter = letter;
        this.bit = bit;
    }

    /** The letter {@code /proc/sys/kernel/tainted} decoders and oops headers print. */
    public char letter() {
        return letter;
    }

    /** The bit number in the taint mask. */
    public int bit() {
        return bit;
    }

    /** Letters of the given flags in declaration order, e.g. {@code "DZ"}; empty for none. */
    public static String letters(java.util.Set<Taint> taints) {
        StringBuilder sb = new StringBuilder();
        for (Taint t : values()) {
            if (taints.contains(t)) {
                sb.append(t.letter);
            }
        }
        return sb.toString();
    }
}
