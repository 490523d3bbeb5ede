package io.kmod4j.devsim.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The fixed 128-byte header in front of every firmware image. All numbers big-endian.
 *
 * <pre>
 * offset size field
 *      0    8 magic            "KM4JFWIM"
 *      8    2 header-version   1
 *     10    2 header-length    128
 *     12    6 version          major, minor, patch (16 bits each)
 *     18    2 flags            bit 0: signed; other bits must be 0
 *     20    8 payload-length   bytes after the header
 *     28   32 payload-sha256   SHA-256 of the payload
 *     60    4 header-crc32     CRC-32 of bytes 0..59
 *     64   64 signature        Ed25519 over bytes 0..63 and the payload; zeros if unsigned
 * </pre>
 *
 * <p>The CRC lets an unsigned image's header be trusted as far as accidents go (a flipped bit in
 * the version is caught); the signature, over the header's first 64 bytes and the payload, is
 * what makes a signed image trustworthy. Immutable.
 *
 * @param version the firmware version
 * @param payloadLength the number of payload bytes
 * @param payloadSha256 the payload's SHA-256, 32 bytes
 * @param signature the Ed25519 signature (64 bytes), if signed
 */
public record ImageHeader(Version version, long payloadLength, byte[] payloadSha256, Optional<byte[]> signature) {

    /** The header size in bytes. */
    public static final int SIZE = 128;
    /** The magic bytes at offset 0. */
    public static final byte[] MAGIC = "KM4JFWIM".getBytes(StandardCharsets.US_ASCII);
    /** The header version this code reads and writes. */
    public static final int HEADER_VERSION = 1;
    /** Flag bit: the image carries a signature. */
    public static final int FLAG_SIGNED = 1;
    /** Offset of the signature; the signed bytes are the header before it plus the payload. */
    public static final int SIGNED_HEADER_BYTES = 64;
    static final int SIGNATURE_LENGTH = 64;

    /**
     * @throws IllegalArgumentException if the length is negative, the hash is not 32 bytes or the
     *     signature not 64
     */
    public ImageHeader {
        Objects.requireNonNull(version, "version");
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
        if (payloadSha256.length != 32) {
            throw new IllegalArgumentException("SHA-256 is 32 bytes, not " + payloadSha256.length);
        }
        payloadSha256 = payloadSha256.clone();
        signature = signature.map(s -> {
            if (s.length != SIGNATURE_LENGTH) {
                throw new IllegalArgumentException("Ed25519 signature is 64 bytes, not " + s.length);
            }
            return s.clone();
        });
    }

    /** @return a copy of the payload hash */
    @Override
    public byte[] payloadSha256() {
        return payloadSha256.clone();
    }

    /** @return a copy of the signature, if signed */
    @Override
    public Optional<byte[]> signature() {
        return signature.map(byte[]::clone);
    }

    /** @return true if the image is signed */
    public boolean signed() {
        return signature.isPresent();
    }

    /**
     * @return the 128 header bytes
     */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(MAGIC).putShort((short) HEADER_VERSION).putShort((short) SIZE);
        b.putShort((short) version.major()).putShort((short) version.minor()).putShort((short) version.patch());
        b.putShort((short) (signed() ? FLAG_SIGNED : 0)).putLong(payloadLength).put(payloadSha256);
        b.putInt((int) crc(b.array()));
        signature.ifPresent(b::put);
        return b.array();
    }

    static long crc(byte[] header) {
        CRC32 crc = new CRC32();
        crc.update(header, 0, 60);
        return crc.getValue();
    }

    /**
     * Parses and checks a header: every field is validated and named in the error.
     *
     * @param bytes at least the first 128 bytes of an image
     * @return the header
     * @throws ImageException if the bytes are not a valid header
     */
    public static ImageHeader parse(byte[] bytes) throws ImageException {
        if (bytes.length < SIZE) {
            throw new ImageException("header-length", "image of " + bytes.length + " bytes is shorter than the "
                    + SIZE + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ImageException("magic", "expected KM4JFWIM, found " + HexFormat.of().formatHex(magic));
        }
        int headerVersion = Short.toUnsignedInt(b.getShort());
        if (headerVersion != HEADER_VERSION) {
            throw new ImageException("header-version", "version " + headerVersion + " is not supported (only 1)");
        }
        int headerLength = Short.toUnsignedInt(b.getShort());
        if (headerLength != SIZE) {
            throw new ImageException("header-length", headerLength + " is not " + SIZE);
        }
        Version version = new Version(Short.toUnsignedInt(b.getShort()), Short.toUnsignedInt(b.getShort()),
                Short.toUnsignedInt(b.getShort()));
        int flags = Short.toUnsignedInt(b.getShort());
        if ((flags & ~FLAG_SIGNED) != 0) {
            throw new ImageException("flags", "unknown bits 0x" + Integer.toHexString(flags & ~FLAG_SIGNED));
        }
        long payloadLength = b.getLong();
        if (payloadLength < 0) {
            throw new ImageException("payload-length", payloadLength + " is negative");
        }
        byte[] sha = new byte[32];
        b.get(sha);
        long storedCrc = Integer.toUnsignedLong(b.getInt());
        byte[] signature = new byte[SIGNATURE_LENGTH];
        b.get(signature);
        boolean signed = (flags & FLAG_SIGNED) != 0;
        boolean allZero = Arrays.equals(signature, new byte[SIGNATURE_LENGTH]);
        if (!signed && !allZero) {
            throw new ImageException("signature", "present although the flags say the image is unsigned");
        }
        if (signed && allZero) {
            throw new ImageException("signature", "missing although the flags say the image is signed");
        }
        if (storedCrc != crc(bytes)) {
            throw new ImageException("header-crc32", "does not match the header: a header byte is corrupted");
        }
        return new ImageHeader(version, payloadLength, sha, signed ? Optional.of(signature) : Optional.empty());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageHeader h && h.version.equals(version) && h.payloadLength == payloadLength
                && Arrays.equals(h.payloadSha256, payloadSha256)
                && Arrays.equals(h.signature.orElse(null), signature.orElse(null));
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, payloadLength, Arrays.hashCode(payloadSha256));
    }

    @Override
    public String toString() {
        return "ImageHeader[version=" + version + ", payloadLength=" + payloadLength + ", sha256="
                + HexFormat.of().formatHex(payloadSha256) + ", signed=" + signed() + "]";
    }
}
