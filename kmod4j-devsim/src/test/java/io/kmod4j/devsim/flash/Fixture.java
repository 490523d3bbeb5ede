package io.kmod4j.devsim.flash;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.devsim.image.ImagePacker;
import io.kmod4j.devsim.image.Version;
import io.kmod4j.tftp.ProgressListener;
import io.kmod4j.tftp.TftpClient;
import io.kmod4j.tftp.TransferOptions;
import io.kmod4j.tftp.TransferResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/** Shared helpers for device tests: images, uploads, status reads, condition waits. */
public final class Fixture {
    private Fixture() {
    }

    public static byte[] image(String version, int payloadBytes, long seed) {
        return image(version, payloadBytes, seed, Optional.empty());
    }

    public static byte[] image(String version, int payloadBytes, long seed, Optional<PrivateKey> key) {
        byte[] payload = new byte[payloadBytes];
        new Random(seed).nextBytes(payload);
        return ImagePacker.pack(payload, Version.parse(version), key);
    }

    public static Path write(Path dir, String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    public static TftpClient client(Duration timeout) {
        return TftpClient.builder().retransmitTimeout(timeout).maxRetries(6).build();
    }

    public static TransferResult upload(InetSocketAddress device, byte[] image, TransferOptions options)
            throws Exception {
        return upload(device, image, options, ProgressListener.NONE);
    }

    public static TransferResult upload(InetSocketAddress device, byte[] image, TransferOptions options,
                                        ProgressListener listener) throws Exception {
        return client(Duration.ofMillis(300)).upload(device, "firmware", new ByteArrayInputStream(image), image.length,
                options, listener);
    }

    /**
     * An upload that is expected to die with the device: gives up 1.5 s after the device stops
     * answering. Not shorter: until the cut the transfer must get through any pause of a loaded
     * machine, or it would give up before reaching the block where power goes.
     */
    public static Exception uploadIntoPowerCut(InetSocketAddress device, byte[] image, TransferOptions options) {
        try {
            TftpClient.builder().retransmitTimeout(Duration.ofMillis(500)).maxRetries(2).build().upload(device,
                    "firmware", new ByteArrayInputStream(image), image.length, options, ProgressListener.NONE);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** Reads the status document over TFTP, as a driver would. */
    public static Map<String, String> readStatus(InetSocketAddress device) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client(Duration.ofMillis(300)).download(device, "status", out, TransferOptions.none(), ProgressListener.NONE);
        return DeviceStatus.parseDocument(out.toString(StandardCharsets.UTF_8));
    }

    /** Polls the device until the condition holds; fails the test after the limit. */
    public static DeviceStatus awaitStatus(FlashDevice device, String what, Predicate<DeviceStatus> condition) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        DeviceStatus s = device.status();
        while (!condition.test(s)) {
            assertThat(System.nanoTime()).as("timed out waiting for %s; status now:%n%s", what, s.toDocument())
                    .isLessThan(end);
            Thread.onSpinWait();
            Thread.yield();
            s = device.status();
        }
        return s;
    }

    public static DeviceStatus awaitState(FlashDevice device, DeviceState state) {
        return awaitStatus(device, "state " + state, s -> s.state() == state);
    }
}
