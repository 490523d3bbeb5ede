package io.kmod4j.devsim.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Optional;

/**
 * Builds firmware images: header (see {@link ImageHeader}) plus payload, optionally signed with an
 * Ed25519 key. This is the API behind {@code kmod4j fw pack}. Stateless; thread-safe.
 */
public final class ImagePacker {

    private ImagePacker() {
    }

    /**
     * Packs a payload held in memory.
     *
     * @param payload the firmware bytes
     * @param version the image version
     * @param key an Ed25519 private key to sign with, or empty for an unsigned image
     * @return the image: 128-byte header, then the payload
     * @throws IllegalArgumentException if the key is not an Ed25519 key
     */
    public static byte[] pack(byte[] payload, Version version, Optional<PrivateKey> key) {
        byte[] sha = sha256(payload);
        ImageHeader unsigned = new ImageHeader(version, payload.length, sha, Optional.empty());
        ImageHeader header = unsigned;
        if (key.isPresent()) {
            byte[] prefix = headerPrefix(version, payload.length, sha);
            header = new ImageHeader(version, payload.length, sha, Optional.of(sign(key.get(), prefix, payload)));
        }
        byte[] image = new byte[ImageHeader.SIZE + payload.length];
        System.arraycopy(header.encode(), 0, image, 0, ImageHeader.SIZE);
        System.arraycopy(payload, 0, image, ImageHeader.SIZE, payload.length);
        return image;
    }

    /**
     * Packs a payload file into memory.
     *
     * @param payload the firmware file
     * @param version the image version
     * @param key an Ed25519 private key to sign with, or empty
     * @return the image bytes
     * @throws IOException if the payload cannot be read
     */
    public static byte[] pack(Path payload, Version version, Optional<PrivateKey> key) throws IOException {
        return pack(Files.readAllBytes(payload), version, key);
    }

    /**
     * Packs a payload file into an image file, atomically: the image appears complete or not at
     * all, and is forced to disk before it appears.
     *
     * @param payload the firmware file
     * @param version the image version
     * @param key an Ed25519 private key to sign with, or empty
     * @param image where to write the image; replaced if it exists
     * @throws IOException if reading or writing fails
     */
    public static void packTo(Path payload, Version version, Optional<PrivateKey> key, Path image)
            throws IOException {
        byte[] bytes = pack(payload, version, key);
        Path dir = image.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".image", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, image, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The first 64 header bytes, which the signature covers; the CRC among them. */
    static byte[] headerPrefix(Version version, long payloadLength, byte[] sha) {
        byte[] unsigned = new ImageHeader(version, payloadLength, sha, Optional.empty()).encode();
        byte[] prefix = new byte[ImageHeader.SIGNED_HEADER_BYTES];
        System.arraycopy(unsigned, 0, prefix, 0, prefix.length);
        // The flags field of the signed image says "signed"; sign exactly what will be stored.
        prefix[19] = (byte) ImageHeader.FLAG_SIGNED;
        long crc = ImageHeader.crc(prefix);
        prefix[60] = (byte) (crc >>> 24);
        prefix[61] = (byte) (crc >>> 16);
        prefix[62] = (byte) (crc >>> 8);
        prefix[63] = (byte) crc;
        return prefix;
    }

    private static byte[] sign(PrivateKey key, byte[] prefix, byte[] payload) {
        try {
            Signature s = Signature.getInstance(ImageKeys.ALGORITHM);
            s.initSign(key);
            s.update(prefix);
            s.update(payload);
            return s.sign();
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
