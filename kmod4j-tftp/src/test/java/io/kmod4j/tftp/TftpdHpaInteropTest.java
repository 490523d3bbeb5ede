package io.kmod4j.tftp;

import static io.kmod4j.tftp.TestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fidelity against an implementation nobody here wrote: Debian's tftpd-hpa ({@code in.tftpd}),
 * which accepts blksize, tsize and timeout and ignores windowsize. Skipped, with the reason, when
 * the binary is missing or the test does not run as root (tftpd-hpa needs root to chroot and drop
 * privileges).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TftpdHpaInteropTest {

    private static final Path IN_TFTPD = Path.of("/usr/sbin/in.tftpd");

    @TempDir
    static Path root;
    private static Path served;
    private static Process tftpd;
    private static InetSocketAddress address;

    @BeforeAll
    static void startTftpd() throws Exception {
        assumeTrue(Files.isExecutable(IN_TFTPD),
                "skipped: /usr/sbin/in.tftpd not found; install it with 'apt-get install tftpd-hpa'");
        assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: in.tftpd (tftpd-hpa) must start as root to chroot into its directory");
        served = Files.createDirectory(root.resolve("srv"));
        Files.setPosixFilePermissions(served, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        tftpd = new ProcessBuilder(IN_TFTPD.toString(), "--foreground", "--address", "127.0.0.1:" + port,
                "--create", "--secure", "--permissive", served.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("tftpd.log").toFile()).start();
        awaitReady();
    }

    /** Asks for a file that does not exist until tftpd answers "file not found". */
    private static void awaitReady() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            assertThat(tftpd.isAlive()).as("in.tftpd exited: " + Files.readString(root.resolve("tftpd.log"))).isTrue();
            try {
                TftpClient.builder().retransmitTimeout(Duration.ofMillis(100)).maxRetries(1).build()
                        .download(address, "no-such-file", new ByteArrayOutputStream(), TransferOptions.none(),
                                ProgressListener.NONE);
            } catch (TftpErrorException e) {
                return; // it answers
            } catch (TftpTimeoutException e) {
                assertThat(System.nanoTime()).as("in.tftpd answers within 15 s").isLessThan(end);
            }
        }
    }

    @AfterAll
    static void stopTftpd() throws InterruptedException {
        if (tftpd != null) {
            tftpd.destroy();
            if (!tftpd.waitFor(5, TimeUnit.SECONDS)) {
                tftpd.destroyForcibly().waitFor();
            }
        }
    }

    private static TransferResult upload(String name, byte[] data, TransferOptions options) throws Exception {
        return TftpClient.builder().retransmitTimeout(Duration.ofSeconds(1)).build()
                .upload(address, name, new ByteArrayInputStream(data), data.length, options, ProgressListener.NONE);
    }

    @Test
    void uploadWithBlksizeAndWindowsizeIsByteIdenticalOnDisk() throws Exception {
        byte[] data = randomBytes(3 * 1024 * 1024 + 123, 1468);
        TransferResult r = upload("image-1468.bin",  data, TransferOptions.recommended().withTimeout(Duration.ofSeconds(2)));
        assertThat(Files.readAllBytes(served.resolve("image-1468.bin"))).isEqualTo(data);
        assertThat(r.options().acknowledged()).isTrue();
        assertThat(r.options().blockSize()).isEqualTo(1468);
        assertThat(r.options().windowSize()).as("tftpd-hpa ignores windowsize").isEqualTo(1);
        assertThat(r.options().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.options().transferSize()).hasValue(data.length);
    }

    @Test
    void uploadWithoutOptionsAndWithTheLargestBlocks() throws Exception {
        byte[] data = randomBytes(1024 * 1024, 512);
        TransferResult plain = upload("plain.bin", data, TransferOptions.none());
        assertThat(plain.options().acknowledged()).isFalse();
        assertThat(Files.readAllBytes(served.resolve("plain.bin"))).isEqualTo(data);

        byte[] big = randomBytes(4 * 1024 * 1024 + 1, 65464);
        TransferResult r = upload("big.bin", big, TransferOptions.none().withBlockSize(65464).withWindowSize(16));
        assertThat(r.options().blockSize()).isEqualTo(65464);
        assertThat(Files.readAllBytes(served.resolve("big.bin"))).isEqualTo(big);
    }

    @Test
    void blockNumbersWrapTheWayTftpdHpaExpects() throws Exception {
        byte[] data = randomBytes(8 * 65536 + 8 * 100 + 5, 8); // 65637 blocks of 8 bytes
        TransferResult r = upload("wrap.bin", data, TransferOptions.none().withBlockSize(8));
        assertThat(r.options().blockSize()).isEqualTo(8);
        assertThat(Files.readAllBytes(served.resolve("wrap.bin"))).isEqualTo(data);
    }

    @Test
    void downloadFromTftpdHpaWithTsize() throws Exception {
        byte[] data = randomBytes(700_001, 8192);
        Files.write(served.resolve("down.bin"), data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransferResult r = TftpClient.create().download(address, "down.bin", out,
                TransferOptions.none().withBlockSize(8192).withTransferSize(true), ProgressListener.NONE);
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(r.options().transferSize()).hasValue(data.length);
        assertThat(r.options().blockSize()).isEqualTo(8192);
    }

    @Test
    void tftpdHpaErrorsArriveWithCodeAndMessage() throws IOException {
        TftpErrorException e = org.assertj.core.api.Assertions.catchThrowableOfType(TftpErrorException.class,
                () -> TftpClient.create().download(address, "absent.bin", new ByteArrayOutputStream(),
                        TransferOptions.none(), ProgressListener.NONE));
        assertThat(e.errorCode()).isEqualTo(TftpPacket.ErrorPacket.FILE_NOT_FOUND);
        assertThat(e.errorMessage()).isNotBlank();
    }
}
