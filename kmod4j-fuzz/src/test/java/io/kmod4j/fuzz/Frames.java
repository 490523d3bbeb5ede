package io.kmod4j.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The framing that turns one fuzzer input into several fields: each record is a big-endian
 * 16-bit length and that many bytes; a last record whose length runs past the end takes what is
 * left. Seeds stay writable by hand (see {@link SeedCorpus}), and a mutation of one record rarely
 * disturbs the others, which a libFuzzer-style mutator exploits well.
 */
public final class Frames {

    private Frames() {}

    /** Splits {@code input} into its records; never fails, whatever the bytes. */
    public static List<byte[]> split(byte[] input) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at + 2 <= input.length) {
            int len = ((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF);
            at += 2;
            int end = Math.min(input.length, at + len);
            out.add(Arrays.copyOfRange(input, at, end));
            at = end;
        }
        return out;
    }

    /** The inverse of {@link #split}, for seeds. */
    public static byte[] join(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            if (r.length > 0xFFFF) {
                throw new IllegalArgumentException("record of " + r.length + " bytes");
            }
            out.write(r.length >>> 8);
            out.write(r.length & 0xFF);
            out.writeBytes(r);
        }
        return out.toByteArray();
    }

    /** {@link #join} of byte arrays given inline. */
    public static byte[] join(byte[]... records) {
        return join(List.of(records));
    }

    /** Byte {@code i} of {@code r} as 0..255, or 0 past its end. */
    public static int u8(byte[] r, int i) {
        return i < r.length ? r[i] & 0xFF : 0;
    }
}
