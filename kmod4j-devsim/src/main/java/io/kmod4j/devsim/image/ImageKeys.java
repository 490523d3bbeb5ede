package io.kmod4j.devsim.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 key pairs for signing images: generate, save and load. Private keys are PKCS#8, public
 * keys X.509 SubjectPublicKeyInfo, written as PEM ({@code -----BEGIN PRIVATE KEY-----}, {@code
 * -----BEGIN PUBLIC KEY-----}, the format {@code openssl pkey} reads) and read from PEM or DER.
 * Stateless; thread-safe.
 */
public final class ImageKeys {

    /** The signature algorithm of images (JDK name). */
    public static final String ALGORITHM = "Ed25519";

    private ImageKeys() {
    }

    /**
     * @return a new Ed25519 key pair from the JDK's default secure random source
     */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (JDK 15+ always has)", e);
        }
    }

    /**
     * Writes a private key as PEM, readable only by its owner where the file system has POSIX
     * permissions. Refuses to overwrite.
     *
     * @param file where to write; must not exist
     * @param key an Ed25519 private key
     * @throws FileAlreadyExistsException if the file exists
     * @throws IOException if writing fails
     */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        writePem(file, "PRIVATE KEY", key.getEncoded(), true);
    }

    /**
     * Writes a public key as PEM. Refuses to overwrite.
     *
     * @param file where to write; must not exist
     * @param key an Ed25519 public key
     * @throws FileAlreadyExistsException if the file exists
     * @throws IOException if writing fails
     */
    public static void writePublicKey(Path file, PublicKey key) throws IOException {
        writePem(file, "PUBLIC KEY", key.getEncoded(), false);
    }

    /**
     * Reads a private key from a PEM or DER PKCS#8 file.
     *
     * @param file the key file
     * @return the key
     * @throws IOException if the file cannot be read or holds no Ed25519 private key
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        byte[] der = readDer(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " holds no Ed25519 private key (PKCS#8): " + e.getMessage(), e);
        }
    }

    /**
     * Reads a public key from a PEM or DER X.509 file.
     *
     * @param file the key file
     * @return the key
     * @throws IOException if the file cannot be read or holds no Ed25519 public key
     */
    public static PublicKey readPublicKey(Path file) throws IOException {
        byte[] der = readDer(file, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " holds no Ed25519 public key (X.509): " + e.getMessage(), e);
        }
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".key", ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // Not a POSIX file system: nothing finer to set.
                }
            }
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] readDer(Path file, String type) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        String text = new String(raw, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        int start = text.indexOf(begin);
        if (start < 0) {
            if (text.contains("-----BEGIN ")) {
                throw new IOException(file + " is PEM but not a '" + type + "'");
            }
            return raw; // DER
        }
        int end = text.indexOf("-----END " + type + "-----", start);
        if (end < 0) {
            throw new IOException(file + ": PEM '" + type + "' has no END line");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": PEM body is not base64", e);
        }
    }
}
