package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.devsim.image.ImageException;
import io.kmod4j.devsim.image.ImageHeader;
import io.kmod4j.devsim.image.ImageKeys;
import io.kmod4j.devsim.image.ImageVerifier;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Firmware images as the emulated device receives them over TFTP: {@link ImageHeader#parse} and
 * {@link ImageVerifier#verify(byte[])}, with and without a trusted key.
 *
 * <p>A fuzzer rarely guesses a CRC-32, a SHA-256 or an Ed25519 signature, so byte 0 of the input
 * asks the harness to make them right before the image is checked: bit 0 the payload hash, bit 1
 * the header CRC, bit 3 a signature by the trusted key (which also sets the signed flag); bit 2
 * checks with a verifier that trusts that key. That way the fuzzer reaches every check after the
 * integrity ones, where the interesting decisions are.
 *
 * <p>Invariants: a bad image is an {@link ImageException} naming one of the documented fields,
 * nothing else; an accepted image is exactly header plus the announced payload, its hash matches,
 * and with a trusted key it carries a signature that verified; a header that parses encodes back
 * to the same 128 bytes.
 */
class ImageFuzzTest {

    private static final int MAX_PAYLOAD = 1 << 20;
    private static final KeyPair KEYS = deterministicKeys();
    private static final ImageVerifier OPEN = new ImageVerifier(Optional.empty(), MAX_PAYLOAD);
    private static final ImageVerifier TRUSTING = new ImageVerifier(Optional.of(KEYS.getPublic()), MAX_PAYLOAD);
    private static final Set<String> FIELDS = Set.of("magic", "header-version", "header-length", "flags",
            "payload-length", "header-crc32", "payload-sha256", "signature", "payload");

    @FuzzTest
    void verify(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int mode = input[0] & 0xFF;
        byte[] image = Arrays.copyOfRange(input, 1, input.length);
        if (image.length >= ImageHeader.SIZE) {
            fixUp(image, mode);
        }
        boolean trusted = (mode & 4) != 0;
        try {
            ImageVerifier.Verified v = (trusted ? TRUSTING : OPEN).verify(image);
            ImageHeader h = v.header();
            assertThat(h.payloadLength()).isEqualTo(image.length - ImageHeader.SIZE);
            assertThat(h.payloadSha256()).isEqualTo(sha256(image, ImageHeader.SIZE, image.length - ImageHeader.SIZE));
            assertThat(v.signatureVerified()).isEqualTo(trusted);
            if (trusted) {
                assertThat(h.signed()).isTrue();
            }
        } catch (ImageException e) {
            assertThat(e.field()).as(e.getMessage()).isIn(FIELDS);
        }
        try {
            ImageHeader h = ImageHeader.parse(image);
            assertThat(h.encode()).as("header re-encoded").isEqualTo(Arrays.copyOf(image, ImageHeader.SIZE));
        } catch (ImageException e) {
            assertThat(e.field()).as(e.getMessage()).isIn(FIELDS);
        }
    }

    /** Makes the hash, CRC and signature right as {@code mode} asks (see the class comment). */
    private static void fixUp(byte[] image, int mode) throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.wrap(image);
        boolean sign = (mode & 8) != 0;
        if (sign) {
            b.putShort(18, (short) (b.getShort(18) | ImageHeader.FLAG_SIGNED));
        }
        if ((mode & 1) != 0) {
            b.put(28, sha256(image, ImageHeader.SIZE, image.length - ImageHeader.SIZE));
        }
        if ((mode & 2) != 0 || sign) {
            CRC32 crc = new CRC32();
            crc.update(image, 0, 60);
            b.putInt(60, (int) crc.getValue());
        }
        if (sign) {
            Signature s = Signature.getInstance(ImageKeys.ALGORITHM);
            s.initSign(KEYS.getPrivate());
            s.update(image, 0, ImageHeader.SIGNED_HEADER_BYTES);
            s.update(image, ImageHeader.SIZE, image.length - ImageHeader.SIZE);
            b.put(64, s.sign());
        }
    }

    private static byte[] sha256(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, off, len);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same key pair in every run, so that seeds signed with it keep verifying. */
    static KeyPair deterministicKeys() {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(0x6b6d6f64346aL);
            KeyPairGenerator g = KeyPairGenerator.getInstance(ImageKeys.ALGORITHM);
            g.initialize(255, seeded);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
