package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.devsim.Devsim;
import io.kmod4j.devsim.image.ImageException;
import io.kmod4j.devsim.image.ImageKeys;
import io.kmod4j.devsim.image.ImageVerifier;
import io.kmod4j.devsim.image.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kmod4j fw keygen, fw pack and devsim: no daemon involved. */
class FwImageAndDevsimTest {

    @TempDir
    Path dir;

    private static CliTestBase.Run run(String... args) {
        return CliTestBase.run(args);
    }

    @Test
    void keygenThenPackMakesASignedImageThatVerifiesWithThePublicKey() throws Exception {
        Path keys = dir.resolve("keys");
        assertThat(run("fw", "keygen", keys.toString())).isEqualTo(new CliTestBase.Run(0,
                "fw keygen: " + keys.resolve("private.pem") + ": Ed25519 private key; keep it secret, sign with fw pack --key\n"
                        + "fw keygen: " + keys.resolve("public.pem") + ": Ed25519 public key; give it to the device (devsim --trusted-key)\n",
                ""));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("private.pem")))).isEqualTo("rw-------");

        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        Path in = Files.write(dir.resolve("payload.bin"), payload);
        Path out = dir.resolve("flash0.img");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        assertThat(run("fw", "pack", "--version", "1.2.3", "--key", keys.resolve("private.pem").toString(), in.toString(), out.toString()))
                .isEqualTo(new CliTestBase.Run(0, "fw pack: " + out + ": version 1.2.3, 300128 bytes (payload 300000 bytes, SHA-256 "
                        + sha + "), signed\n", ""));

        ImageVerifier.Verified v = new ImageVerifier(Optional.of(ImageKeys.readPublicKey(keys.resolve("public.pem"))), 1 << 20)
                .verify(out);
        assertThat(v.signatureVerified()).isTrue();
        assertThat(v.header().version()).isEqualTo(new Version(1, 2, 3));
        assertThat(v.header().payloadLength()).isEqualTo(300_000);
        assertThat(Files.size(out)).isEqualTo(300_128);

        // unsigned, as JSON; a device that trusts a key refuses it
        Path unsigned = dir.resolve("unsigned.img");
        assertThat(run("fw", "pack", "--json", "--version", "2.0.0", in.toString(), unsigned.toString())).isEqualTo(new CliTestBase.Run(0,
                "{\"image\":\"" + unsigned + "\",\"version\":\"2.0.0\",\"imageBytes\":300128,\"payloadBytes\":300000,\"sha256\":\""
                        + sha + "\",\"signed\":false}\n", ""));
        assertThatThrownBy(() -> new ImageVerifier(Optional.of(ImageKeys.readPublicKey(keys.resolve("public.pem"))), 1 << 20)
                .verify(unsigned)).isInstanceOf(ImageException.class);
        assertThat(new ImageVerifier(Optional.empty(), 1 << 20).verify(unsigned).signatureVerified()).isFalse();
    }

    @Test
    void keygenNeverReplacesAKeyAndPackReportsBadArguments() throws Exception {
        Path keys = dir.resolve("keys");
        assertThat(run("fw", "keygen", "--json", keys.toString())).isEqualTo(new CliTestBase.Run(0, "{\"privateKey\":\""
                + keys.resolve("private.pem") + "\",\"publicKey\":\"" + keys.resolve("public.pem") + "\",\"algorithm\":\"Ed25519\"}\n", ""));
        String before = Files.readString(keys.resolve("private.pem"));
        assertThat(run("fw", "keygen", keys.toString())).isEqualTo(new CliTestBase.Run(1, "",
                "fw keygen: ERROR: key " + keys.resolve("private.pem") + " exists; refusing to replace it (EEXIST)\n"));
        assertThat(Files.readString(keys.resolve("private.pem"))).isEqualTo(before);

        Path in = Files.write(dir.resolve("p.bin"), new byte[] {1, 2, 3});
        assertThat(run("fw", "pack", "--version", "1.2", in.toString(), dir.resolve("o.img").toString())).isEqualTo(new CliTestBase.Run(2,
                "", "fw pack: ERROR: --version: version '1.2' is not major.minor.patch\nTry 'kmod4j fw pack --help' for more information.\n"));
        assertThat(run("fw", "pack", in.toString(), dir.resolve("o.img").toString()).err())
                .startsWith("fw pack: ERROR: Missing required option: '--version=X.Y.Z'\n");
        assertThat(run("fw", "pack", "--version", "1.0.0", dir.resolve("none.bin").toString(), dir.resolve("o.img").toString()))
                .isEqualTo(new CliTestBase.Run(1, "", "fw pack: ERROR: payload " + dir.resolve("none.bin")
                        + ": no such file or directory (ENOENT)\n"));
        assertThat(run("fw", "pack", "--version", "1.0.0", "--key", keys.resolve("public.pem").toString(), in.toString(),
                dir.resolve("o.img").toString())).isEqualTo(new CliTestBase.Run(1, "", "fw pack: ERROR: " + keys.resolve("public.pem")
                + " is PEM but not a 'PRIVATE KEY' (EINVAL)\n"));
        assertThat(dir.resolve("o.img")).doesNotExist();
    }

    @Test
    void devsimPassesEveryArgumentToTheEmulatorAndReturnsItsExitCode() {
        assertThat(run("devsim", "--help")).isEqualTo(new CliTestBase.Run(0, Devsim.usage(), ""));
        assertThat(run("devsim", "-h").out()).isEqualTo(Devsim.usage());
        CliTestBase.Run bad = run("devsim", "--state", dir.toString(), "--port", "nope");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).startsWith("devsim: error: ").endsWith("try 'devsim --help'\n");
        assertThat(run("devsim").code()).isEqualTo(2);
    }
}
