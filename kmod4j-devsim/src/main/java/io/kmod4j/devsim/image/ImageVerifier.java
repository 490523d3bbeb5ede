package io.kmod4j.devsim.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a firmware image completely: header fields, size, SHA-256 of the payload, and the Ed25519
 * signature. With a trusted key configured, an unsigned image or one signed by any other key is
 * refused; without one, a signature is not checked (there is nothing to check it against) and the
 * hash still is. Immutable; thread-safe.
 */
public final class ImageVerifier {

    private final Optional<PublicKey> trustedKey;
    private final long maxPayload;

    /**
     * @param trustedKey the Ed25519 key images must be signed with, or empty to accept unsigned
     *     images
     * @param maxPayload the largest payload accepted, in bytes
     */
    public ImageVerifier(Optional<PublicKey> trustedKey, long maxPayload) {
        this.trustedKey = Objects.requireNonNull(trustedKey, "trustedKey");
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    /**
     * The outcome of a successful verification.
     *
     * @param header the image's header
     * @param signatureVerified true if the signature was checked against the trusted key
     */
    public record Verified(ImageHeader header, boolean signatureVerified) {
    }

    /**
     * Verifies an image in memory.
     *
     * @param image header and payload
     * @return the verified header
     * @throws ImageException naming the field that fails
     */
    public Verified verify(byte[] image) throws ImageException {
        try {
            return verify(new java.io.ByteArrayInputStream(image), image.length);
        } catch (IOException e) {
            throw new IllegalStateException("reading memory failed", e);
        }
    }

    /**
     * Verifies an image file, streaming it (the payload is read once).
     *
     * @param image the file
     * @return the verified header
     * @throws ImageException naming the field that fails
     * @throws IOException if the file cannot be read
     */
    public Verified verify(Path image) throws ImageException, IOException {
        try (InputStream in = Files.newInputStream(image)) {
            return verify(in, Files.size(image));
        }
    }

    /**
     * Verifies an image read from a stream of known total length.
     *
     * @param in the image bytes; read to the end, not closed
     * @param totalLength the number of bytes the stream holds
     * @return the verified header
     * @throws ImageException naming the field that fails
     * @throws IOException if reading fails
     */
    public Verified verify(InputStream in, long totalLength) throws ImageException, IOException {
        byte[] headerBytes = in.readNBytes(ImageHeader.SIZE);
        ImageHeader header = ImageHeader.parse(headerBytes);
        if (header.payloadLength() > maxPayload) {
            throw new ImageException("payload-length", header.payloadLength() + " bytes exceeds the "
                    + maxPayload + " bytes this device holds");
        }
        long actual = totalLength - ImageHeader.SIZE;
        if (actual != header.payloadLength()) {
            throw new ImageException("payload", (actual < header.payloadLength() ? "truncated: " : "too long: ")
                    + actual + " bytes follow the header, which announces " + header.payloadLength());
        }
        if (trustedKey.isPresent() && !header.signed()) {
            throw new ImageException("signature", "the image is unsigned, but the device only accepts images"
                    + " signed by its trusted key");
        }
        MessageDigest sha;
        Signature sig = null;
        try {
            sha = MessageDigest.getInstance("SHA-256");
            if (trustedKey.isPresent()) {
                sig = Signature.getInstance(ImageKeys.ALGORITHM);
                sig.initVerify(trustedKey.get());
                sig.update(headerBytes, 0, ImageHeader.SIGNED_HEADER_BYTES);
            }
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("the trusted key is not an Ed25519 public key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 or Ed25519 missing from this JDK", e);
        }
        byte[] buffer = new byte[64 * 1024];
        long left = header.payloadLength();
        try {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new ImageException("payload", "truncated: the data ended " + left + " bytes early");
                }
                sha.update(buffer, 0, n);
                if (sig != null) {
                    sig.update(buffer, 0, n);
                }
                left -= n;
            }
            if (!Arrays.equals(sha.digest(), header.payloadSha256())) {
                throw new ImageException("payload-sha256", "does not match the payload: the payload is corrupted");
            }
            if (sig != null && !sig.verify(header.signature().orElseThrow())) {
                throw new ImageException("signature", "does not verify with the device's trusted key");
            }
        } catch (SignatureException e) {
            throw new ImageException("signature", "malformed: " + e.getMessage());
        }
        return new Verified(header, sig != null);
    }
}
