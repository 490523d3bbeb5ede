package io.kmod4j.runtime.firmware;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bytes of one loaded image ({@code struct fw_priv}), shared by every {@link FirmwareHandle}
 * on it. Immutable apart from the SHA-256, which is computed on first request and then kept: a
 * driver that never asks for it does not pay for hashing the image.
 *
 * <p>Memory consistency effects: the bytes are written before the image is published (through a
 * future or a lock), so every thread that gets the image sees them.
 */
final class LoadedImage {

    private final String name;
    private final ByteBuffer data; // read-only, position 0, limit = size
    private final Path source;      // null when the fallback loader supplied it
    private volatile String sha256;

    LoadedImage(String name, ByteBuffer data, Path source) {
        this.name = name;
        this.data = data.asReadOnlyBuffer().position(0);
        this.source = source;
    }

    String name() {
        return name;
    }

    int size() {
        return data.limit();
    }

    /** An independent read-only view, position 0. */
    ByteBuffer data() {
        return data.duplicate();
    }

    Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    String sha256() {
        String s = sha256;
        if (s == null) {
            s = HexFormat.of().formatHex(digest(data.duplicate()));
            sha256 = s; // racing first callers compute the same value
        }
        return s;
    }

    private static byte[] digest(ByteBuffer b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
