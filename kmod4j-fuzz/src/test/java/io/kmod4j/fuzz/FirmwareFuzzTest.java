package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.internal.SystemScheduler;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import io.kmod4j.runtime.firmware.FirmwareLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Firmware requests ({@link FirmwareLoader#request}, {@link FirmwareLoader#requestIntoBuffer}):
 * the name a driver passes, which may come from a device, a devices file or a user, and the files
 * the search then reads, compressed ones included.
 *
 * <p>{@link #request}: a root holds plain, {@code .zst} and {@code .xz} files in every search
 * directory, an empty file, a directory, and symbolic links that stay inside and that escape
 * (relative, absolute, to a file and to a directory); a secret lies beside the root. Invariants:
 * any name gives an image or a {@link KernelException} with one of the loader's errnos, never
 * anything else; an image always comes from a file whose real path is inside the root and holds
 * exactly that file's (decompressed) bytes, so the secret never comes back.
 *
 * <p>{@link #compressed}: the fuzzed bytes are {@code fw.xz} or {@code fw.zst} under a 1 MiB
 * image limit, a 1 MiB xz memory limit and a 1 MiB zstd window. Invariants: only
 * {@code KernelException} (never {@link OutOfMemoryError}), an image within the limit that the
 * reference decoder agrees with, and an answer within a bounded time.
 */
class FirmwareFuzzTest {

    private static final Path SANDBOX = Sandbox.create("kmod4j-fuzz-fw-");
    private static final String RELEASE = "9.9.9";
    private static final Path ROOT = SANDBOX.resolve("root");
    private static final Path OUTSIDE = SANDBOX.resolve("outside");
    private static final byte[] SECRET = "SECRET: outside the firmware root".getBytes(StandardCharsets.UTF_8);
    /** Real path of every file the loader may return, and the bytes it must return for it. */
    private static final Map<Path, byte[]> EXPECTED = new HashMap<>();
    private static final FirmwareLoader LOADER;

    private static final Path CAPPED_ROOT = SANDBOX.resolve("capped");
    private static final int CAP = 1 << 20;
    private static final FirmwareLoader CAPPED;

    private static final Set<Errno> REQUEST_ERRNOS = EnumSet.of(Errno.EINVAL, Errno.ENOENT, Errno.EACCES,
            Errno.ENAMETOOLONG, Errno.EFBIG, Errno.EIO, Errno.EOPNOTSUPP);
    private static final Set<Errno> DECODE_ERRNOS = EnumSet.of(Errno.EINVAL, Errno.EFBIG, Errno.ENOMEM);
    private static final Duration DECODE_BOUND = Duration.ofSeconds(20);

    static {
        try {
            layOutRoot();
            Files.createDirectories(CAPPED_ROOT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SystemScheduler clock = new SystemScheduler("fuzz-fw-timer", LogRing.global());
        LOADER = new FirmwareLoader(FirmwareConfig.builder().roots(ROOT).release(RELEASE).fallbackEnabled(false)
                .maxImageBytes(CAP).build(), new LogRing(), clock);
        CAPPED = new FirmwareLoader(FirmwareConfig.builder().roots(CAPPED_ROOT).release(RELEASE).fallbackEnabled(false)
                .maxImageBytes(CAP).xzMemoryLimitKiB(1024).zstdWindowLogMax(20).build(), new LogRing(), clock);
    }

    private static void layOutRoot() throws IOException {
        Files.createDirectories(OUTSIDE.resolve("dir"));
        Files.write(OUTSIDE.resolve("secret.bin"), SECRET);
        Files.write(OUTSIDE.resolve("dir/secret.bin"), SECRET);
        Files.write(OUTSIDE.resolve("secret.bin.zst"), zst(SECRET));
        plain("a.bin", "plain in the root");
        plain("dir/b.bin", "plain in a subdirectory");
        plain("updates/c.bin", "plain in updates");
        plain(RELEASE + "/d.bin", "plain in the release directory");
        plain("updates/" + RELEASE + "/e.bin", "plain in updates/release");
        plain("dir/sub/deep.bin", "plain two levels down");
        compressed("z.bin.zst", zst("zstd in the root".getBytes(StandardCharsets.UTF_8)), "zstd in the root");
        compressed("x.bin.xz", xz("xz in the root".getBytes(StandardCharsets.UTF_8)), "xz in the root");
        Files.write(ROOT.resolve("empty.bin"), new byte[0]);
        Files.createDirectories(ROOT.resolve("adir.bin"));
        Files.createSymbolicLink(ROOT.resolve("link-in"), Path.of("a.bin"));
        Files.createSymbolicLink(ROOT.resolve("dir/link-up"), Path.of("../a.bin"));
        Files.createSymbolicLink(ROOT.resolve("link-out"), Path.of("../outside/secret.bin"));
        Files.createSymbolicLink(ROOT.resolve("link-out.zst"), Path.of("../outside/secret.bin.zst"));
        Files.createSymbolicLink(ROOT.resolve("link-abs"), OUTSIDE.resolve("secret.bin"));
        Files.createSymbolicLink(ROOT.resolve("link-dir"), Path.of("../outside/dir"));
        Files.createSymbolicLink(ROOT.resolve("link-loop"), Path.of("link-loop"));
        Files.createSymbolicLink(ROOT.resolve("link-dangling"), Path.of("nowhere"));
    }

    private static void plain(String name, String content) throws IOException {
        Path p = ROOT.resolve(name);
        Files.createDirectories(p.getParent());
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Files.write(p, bytes);
        EXPECTED.put(p.toRealPath(), bytes);
    }

    private static void compressed(String name, byte[] file, String content) throws IOException {
        Path p = ROOT.resolve(name);
        Files.write(p, file);
        EXPECTED.put(p.toRealPath(), content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Byte 0: bit 0 asks with {@code requestIntoBuffer} (byte 1 sets the buffer's size), bit 1
     * without {@code NO_WARN}; the rest, as UTF-8, is the firmware name.
     */
    @FuzzTest
    @DictionaryEntries({"..", "../", "/", "./", "//", "a.bin", "dir/", "link-out", "link-dir/", "link-in", "updates/",
            RELEASE + "/", "z.bin", "x.bin", "secret.bin", "\u0000", "adir.bin", "empty.bin"})
    void request(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int mode = input[0] & 0xFF;
        int room = (input[1] & 0xFF) * 4;
        String name = new String(input, 2, input.length - 2, StandardCharsets.UTF_8);
        int flags = FirmwareProvider.NO_FALLBACK | ((mode & 2) == 0 ? FirmwareProvider.NO_WARN : 0);
        Firmware fw;
        try {
            fw = (mode & 1) != 0 ? LOADER.requestIntoBuffer(name, null, ByteBuffer.allocate(room))
                    : LOADER.request(name, null, flags);
        } catch (KernelException e) {
            assertThat(e.errno()).as(e.getMessage()).isIn(REQUEST_ERRNOS);
            return;
        }
        try (fw) {
            assertThat(fw.source()).as("where '%s' came from", name).isPresent();
            Path real = fw.source().orElseThrow().toRealPath();
            assertThat(real).as("firmware '%s'", name).startsWith(ROOT.toRealPath());
            assertThat(EXPECTED).as("firmware '%s' read %s", name, real).containsKey(real);
            assertThat(bytes(fw.data())).as("the bytes of '%s'", name).isEqualTo(EXPECTED.get(real));
            assertThat(fw.sha256()).hasSize(64);
        }
    }

    /** Byte 0: bit 0 picks {@code .xz} (else {@code .zst}); the rest is the file. */
    @FuzzTest
    void compressed(byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        boolean xz = (input[0] & 1) != 0;
        byte[] file = java.util.Arrays.copyOfRange(input, 1, input.length);
        Path xzFile = CAPPED_ROOT.resolve("fw.xz");
        Path zstFile = CAPPED_ROOT.resolve("fw.zst");
        Files.deleteIfExists(xz ? zstFile : xzFile);
        Files.write(xz ? xzFile : zstFile, file);
        long start = System.nanoTime();
        byte[] got = null;
        try (Firmware fw = CAPPED.request("fw", null, FirmwareProvider.NO_FALLBACK | FirmwareProvider.NO_WARN)) {
            got = bytes(fw.data());
        } catch (KernelException e) {
            assertThat(e.errno()).as(e.getMessage()).isIn(DECODE_ERRNOS);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to decode").isLessThan(DECODE_BOUND);
        if (got != null) {
            assertThat(got.length).isBetween(1, CAP);
            assertThat(got).as("the loader's image against the reference decoder").isEqualTo(reference(file, xz));
        }
    }

    /** What the decoder library yields for the file, with no loader in between (at most CAP+1 bytes). */
    private static byte[] reference(byte[] file, boolean xz) throws IOException {
        try (InputStream in = xz ? new XZInputStream(new ByteArrayInputStream(file))
                : new ZstdInputStream(new ByteArrayInputStream(file))) {
            return in.readNBytes(CAP + 1);
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static byte[] zst(byte[] data) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(bo)) {
            z.write(data);
        }
        return bo.toByteArray();
    }

    static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream z = new XZOutputStream(bo, new LZMA2Options(1))) {
            z.write(data);
        }
        return bo.toByteArray();
    }
}
