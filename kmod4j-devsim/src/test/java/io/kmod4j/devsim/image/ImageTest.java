package io.kmod4j.devsim.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageTest {

    private static KeyPair keys;
    private static KeyPair otherKeys;
    private static final byte[] PAYLOAD = payload(10_000, 1);
    private static final Version V = new Version(1, 2, 3);

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() {
        keys = ImageKeys.generate();
        otherKeys = ImageKeys.generate();
    }

    static byte[] payload(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ImageVerifier unsignedOk() {
        return new ImageVerifier(Optional.empty(), 1 << 20);
    }

    private static ImageVerifier trusting(KeyPair k) {
        return new ImageVerifier(Optional.of(k.getPublic()), 1 << 20);
    }

    @Test
    void unsignedImageRoundTrips() throws Exception {
        byte[] image = ImagePacker.pack(PAYLOAD, V, Optional.empty());
        assertThat(image).hasSize(ImageHeader.SIZE + PAYLOAD.length);
        ImageVerifier.Verified v = unsignedOk().verify(image);
        assertThat(v.header().version()).isEqualTo(V);
        assertThat(v.header().payloadLength()).isEqualTo(PAYLOAD.length);
        assertThat(v.header().signed()).isFalse();
        assertThat(v.signatureVerified()).isFalse();
        assertThat(java.util.Arrays.copyOfRange(image, ImageHeader.SIZE, image.length)).isEqualTo(PAYLOAD);
    }

    @Test
    void signedImageVerifiesWithTheTrustedKeyOnly() throws Exception {
        byte[] image = ImagePacker.pack(PAYLOAD, V, Optional.of(keys.getPrivate()));
        ImageVerifier.Verified v = trusting(keys).verify(image);
        assertThat(v.signatureVerified()).isTrue();
        assertThat(v.header().signed()).isTrue();
        assertThat(unsignedOk().verify(image).signatureVerified()).as("no key: hash only").isFalse();

        ImageException wrongKey = catchThrowableOfType(ImageException.class, () -> trusting(otherKeys).verify(image));
        assertThat(wrongKey.field()).isEqualTo("signature");
        assertThat(wrongKey.reason()).contains("does not verify");

        byte[] unsigned = ImagePacker.pack(PAYLOAD, V, Optional.empty());
        ImageException refused = catchThrowableOfType(ImageException.class, () -> trusting(keys).verify(unsigned));
        assertThat(refused.field()).isEqualTo("signature");
        assertThat(refused.reason()).contains("unsigned");
    }

    @Test
    void aFlippedSignatureOrPayloadBitIsCaught() throws Exception {
        byte[] image = ImagePacker.pack(PAYLOAD, V, Optional.of(keys.getPrivate()));
        byte[] badSig = image.clone();
        badSig[100] ^= 1;
        assertThat(catchThrowableOfType(ImageException.class, () -> trusting(keys).verify(badSig)).field())
                .isEqualTo("signature");
        byte[] unsignedFlag = ImagePacker.pack(PAYLOAD, V, Optional.empty());
        unsignedFlag[19] ^= ImageHeader.FLAG_SIGNED; // claims a signature that is not there
        assertThat(catchThrowableOfType(ImageException.class, () -> unsignedOk().verify(unsignedFlag)).reason())
                .contains("missing");
        byte[] badPayload = image.clone();
        badPayload[ImageHeader.SIZE + 5000] ^= 1;
        assertThat(catchThrowableOfType(ImageException.class, () -> trusting(keys).verify(badPayload)).field())
                .isEqualTo("payload-sha256");
        assertThat(catchThrowableOfType(ImageException.class, () -> unsignedOk().verify(badPayload)).field())
                .isEqualTo("payload-sha256");
    }

    /** Each header field corrupted, and the field the error names. */
    static Stream<Arguments> corruptedFields() {
        return Stream.of(
                Arguments.of("magic", 0, "magic"),
                Arguments.of("magic last byte", 7, "magic"),
                Arguments.of("header-version", 9, "header-version"),
                Arguments.of("header-length", 11, "header-length"),
                Arguments.of("version major", 13, "header-crc32"),
                Arguments.of("version minor", 15, "header-crc32"),
                Arguments.of("version patch", 17, "header-crc32"),
                Arguments.of("flags unknown bit", 18, "flags"),
                Arguments.of("flags bit 7", 19, "flags"),
                Arguments.of("payload-length sign", 20, "payload-length"),
                Arguments.of("payload-length low byte", 27, "header-crc32"),
                Arguments.of("payload-sha256", 40, "header-crc32"),
                Arguments.of("header-crc32", 62, "header-crc32"),
                Arguments.of("signature of an unsigned image", 90, "signature"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptedFields")
    void everyCorruptedHeaderFieldIsNamed(String what, int offset, String field) {
        byte[] image = ImagePacker.pack(PAYLOAD, V, Optional.empty());
        image[offset] ^= (byte) 0x80;
        ImageException e = catchThrowableOfType(ImageException.class, () -> unsignedOk().verify(image));
        assertThat(e).as(what).isNotNull();
        assertThat(e.field()).as(what).isEqualTo(field);
        assertThat(e.getMessage()).contains("'" + field + "'");
    }

    @Test
    void truncatedOrOverlongPayloadAndShortHeader() {
        byte[] image = ImagePacker.pack(PAYLOAD, V, Optional.empty());
        byte[] truncated = java.util.Arrays.copyOf(image, image.length - 1);
        ImageException t = catchThrowableOfType(ImageException.class, () -> unsignedOk().verify(truncated));
        assertThat(t.field()).isEqualTo("payload");
        assertThat(t.reason()).startsWith("truncated");
        byte[] longer = java.util.Arrays.copyOf(image, image.length + 3);
        assertThat(catchThrowableOfType(ImageException.class, () -> unsignedOk().verify(longer)).reason())
                .startsWith("too long");
        ImageException shortHeader = catchThrowableOfType(ImageException.class,
                () -> unsignedOk().verify(java.util.Arrays.copyOf(image, 100)));
        assertThat(shortHeader.field()).isEqualTo("header-length");
        ImageException tooBig = catchThrowableOfType(ImageException.class,
                () -> new ImageVerifier(Optional.empty(), 9_999).verify(image));
        assertThat(tooBig.field()).isEqualTo("payload-length");
    }

    @Test
    void emptyPayloadIsAValidImage() throws Exception {
        byte[] image = ImagePacker.pack(new byte[0], new Version(0, 0, 1), Optional.of(keys.getPrivate()));
        assertThat(trusting(keys).verify(image).header().payloadLength()).isZero();
    }

    @Test
    void keysSurviveSavingAsPemAndLoadingAsPemOrDer() throws Exception {
        Path priv = tmp.resolve("k.pem");
        Path pub = tmp.resolve("k.pub.pem");
        ImageKeys.writePrivateKey(priv, keys.getPrivate());
        ImageKeys.writePublicKey(pub, keys.getPublic());
        assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(Files.getPosixFilePermissions(priv)).hasSize(2); // owner read and write only
        assertThatThrownBy(() -> ImageKeys.writePrivateKey(priv, keys.getPrivate()))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);

        byte[] image = ImagePacker.pack(PAYLOAD, V, Optional.of(ImageKeys.readPrivateKey(priv)));
        assertThat(new ImageVerifier(Optional.of(ImageKeys.readPublicKey(pub)), 1 << 20).verify(image)
                .signatureVerified()).isTrue();

        Path der = tmp.resolve("k.pub.der");
        Files.write(der, keys.getPublic().getEncoded());
        assertThat(ImageKeys.readPublicKey(der)).isEqualTo(keys.getPublic());
        assertThatThrownBy(() -> ImageKeys.readPublicKey(priv)).hasMessageContaining("not a 'PUBLIC KEY'");
    }

    @Test
    void packToWritesTheImageFileAtomically() throws Exception {
        Path payload = Files.write(tmp.resolve("fw.bin"), PAYLOAD);
        Path out = tmp.resolve("fw.img");
        ImagePacker.packTo(payload, V, Optional.of(keys.getPrivate()), out);
        assertThat(trusting(keys).verify(out).header().version()).isEqualTo(V);
        assertThat(ImagePacker.pack(payload, V, Optional.empty())).hasSize(ImageHeader.SIZE + PAYLOAD.length);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("fw.bin", "fw.img");
        }
    }

    @Test
    void versionsParseAndOrder() {
        assertThat(Version.parse("1.10.0")).isEqualTo(new Version(1, 10, 0)).isGreaterThan(Version.parse("1.9.9"));
        assertThat(Version.parse("0.0.0").toString()).isEqualTo("0.0.0");
        for (String bad : new String[] {"1.2", "1.2.3.4", "a.b.c", "1..3", "70000.0.0", "-1.0.0"}) {
            assertThatThrownBy(() -> Version.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
