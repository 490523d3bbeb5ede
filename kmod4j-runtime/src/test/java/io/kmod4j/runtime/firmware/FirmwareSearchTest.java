package io.kmod4j.runtime.firmware;

import static io.kmod4j.runtime.firmware.Fixtures.bytes;
import static io.kmod4j.runtime.firmware.Fixtures.dmesg;
import static io.kmod4j.runtime.firmware.Fixtures.errno;
import static io.kmod4j.runtime.firmware.Fixtures.text;
import static io.kmod4j.runtime.firmware.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.log.LogRing;
import io.kmod4j.testing.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Where the loader looks, in which order, what it refuses, and how it fails. */
class FirmwareSearchTest {

    static final String RELEASE = "9.9.9";

    @TempDir
    Path tmp;

    Path r1;
    Path r2;
    Path override;
    LogRing log;
    FirmwareLoader loader;
    TestDevice dev;

    @BeforeEach
    void boot() throws Exception {
        r1 = Files.createDirectories(tmp.resolve("r1"));
        r2 = Files.createDirectories(tmp.resolve("r2"));
        override = Files.createDirectories(tmp.resolve("override"));
        boot(FirmwareConfig.builder());
    }

    void boot(FirmwareConfig.Builder b) {
        log = new LogRing();
        loader = new FirmwareLoader(b.roots(r1, r2).release(RELEASE).fallbackEnabled(false).build(), log,
                new ManualScheduler());
        dev = new TestDevice("dev0", loader, log);
    }

    String load(String name) throws KernelException {
        try (Firmware fw = Firmware.request(name, dev)) {
            return text(fw.data());
        }
    }

    @Nested
    class SearchOrder {
        @Test
        void overrideThenUpdatesReleaseThenUpdatesThenReleaseThenBaseForEachRootFirstHitWins() throws Exception {
            loader.setOverridePath(override.toString());
            List<Path> order = new ArrayList<>(List.of(override));
            for (Path r : List.of(r1, r2)) {
                order.addAll(List.of(r.resolve("updates").resolve(RELEASE), r.resolve("updates"), r.resolve(RELEASE), r));
            }
            assertThat(loader.searchPath()).containsExactlyElementsOf(order);
            for (Path d : order) {
                write(d.resolve("fw.bin"), d.toString());
            }
            for (Path d : order) {
                assertThat(load("fw.bin")).isEqualTo(d.toString());
                Files.delete(d.resolve("fw.bin"));
            }
            errno(Errno.ENOENT, () -> load("fw.bin"));
        }

        @Test
        void thePlainNameIsTriedAcrossTheWholePathBeforeAnyCompressedVariant() throws Exception {
            loader.setOverridePath(override.toString());
            write(override.resolve("fw.bin.zst"), Fixtures.zst(bytes("zst in override")));
            write(override.resolve("fw.bin.xz"), Fixtures.xz(bytes("xz in override")));
            write(r2.resolve("fw.bin"), "plain in the last directory");
            assertThat(load("fw.bin")).isEqualTo("plain in the last directory");

            Files.delete(r2.resolve("fw.bin"));
            assertThat(load("fw.bin")).isEqualTo("zst in override");
        }

        @Test
        void zstIsTriedAcrossTheWholePathBeforeXz() throws Exception {
            loader.setOverridePath(override.toString());
            write(override.resolve("fw.bin.xz"), Fixtures.xz(bytes("xz in override")));
            write(r2.resolve("fw.bin.zst"), Fixtures.zst(bytes("zst in the last directory")));
            assertThat(load("fw.bin")).isEqualTo("zst in the last directory");
            Files.delete(r2.resolve("fw.bin.zst"));
            assertThat(load("fw.bin")).isEqualTo("xz in override");
        }

        @Test
        void compressedImagesAreDecompressedAndSayWhereTheyCameFrom() throws Exception {
            byte[] payload = new byte[300_000];
            new java.util.Random(7).nextBytes(payload);
            write(r1.resolve("a.bin.zst"), Fixtures.zst(payload));
            write(r1.resolve("sub/b.bin.xz"), Fixtures.xz(payload));
            for (String name : List.of("a.bin", "sub/b.bin")) {
                try (Firmware fw = Firmware.request(name, dev)) {
                    byte[] got = new byte[fw.size()];
                    fw.data().get(got);
                    assertThat(got).isEqualTo(payload);
                    assertThat(fw.source()).get().asString().endsWith(name.equals("a.bin") ? "a.bin.zst" : "b.bin.xz");
                    assertThat(fw.name()).isEqualTo(name);
                }
            }
        }

        @Test
        void theOverridePathChangesAtRunTimeAndEmptyMeansNone() throws Exception {
            write(override.resolve("fw.bin"), "override");
            write(r1.resolve("fw.bin"), "base");
            assertThat(load("fw.bin")).isEqualTo("base");
            loader.setOverridePath(override + "\n"); // as `echo DIR > .../parameters/path` writes it
            assertThat(loader.overridePath()).isEqualTo(override.toString());
            assertThat(load("fw.bin")).isEqualTo("override");
            loader.setOverridePath("");
            assertThat(loader.searchPath()).doesNotContain(override);
            assertThat(load("fw.bin")).isEqualTo("base");
        }

        @Test
        void anOverridePathLongerThan255CharactersIsEnospcAndLeavesTheOldOne() throws Exception {
            loader.setOverridePath(override.toString());
            errno(Errno.ENOSPC, () -> loader.setOverridePath("/" + "x".repeat(255)));
            loader.setOverridePath("/" + "x".repeat(254)); // 255 characters fit
            loader.setOverridePath(override.toString());
            assertThat(loader.overridePath()).isEqualTo(override.toString());
        }

        @Test
        void theConfiguredOverridePathIsUsedFromTheStart() throws Exception {
            boot(FirmwareConfig.builder().overridePath(override.toString()));
            write(override.resolve("fw.bin"), "override");
            write(r1.resolve("fw.bin"), "base");
            assertThat(load("fw.bin")).isEqualTo("override");
        }
    }

    @Nested
    class Names {
        @ParameterizedTest
        @ValueSource(strings = {"..", "../fw.bin", "a/../fw.bin", "a/b/../../fw.bin", "a/.."})
        void aDotDotComponentAnywhereIsEinvalAndWarned(String name) {
            KernelException e = errno(Errno.EINVAL, () -> Firmware.request(name, dev));
            assertThat(e.getMessage()).contains("path contains '..' component");
            assertThat(dmesg(log)).contains("platform dev0: Firmware load for '" + name
                    + "' refused, path contains '..' component");
        }

        @Test
        void emptyNullAndAbsoluteNamesAreEinval() {
            errno(Errno.EINVAL, () -> Firmware.request("", dev));
            errno(Errno.EINVAL, () -> Firmware.request(null, dev));
            errno(Errno.EINVAL, () -> Firmware.request("/etc/passwd", dev));
            errno(Errno.EINVAL, () -> Firmware.requestNoWarn("nul\0byte", dev));
        }

        @Test
        void everyVariantChecksTheName() {
            errno(Errno.EINVAL, () -> Firmware.requestDirect("../x", dev));
            errno(Errno.EINVAL, () -> Firmware.requestNoWarn("../x", dev));
            errno(Errno.EINVAL, () -> Firmware.requestIntoBuffer("../x", dev, java.nio.ByteBuffer.allocate(8)));
            errno(Errno.EINVAL, () -> Firmware.requestNowait("../x", dev, r -> { }));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a..b", "..a", "b..", "x/..y/z", "x/y../z", "./dot.bin", "...", "v1.2..3/fw"})
        void namesThatMerelyContainDotsAreFine(String name) throws Exception {
            write(r1.resolve(name), name);
            assertThat(load(name)).isEqualTo(name);
        }
    }

    @Nested
    class Containment {
        @Test
        void aSymlinkInsideTheRootIsFollowed() throws Exception {
            write(r1.resolve("real/target.bin"), "target");
            Files.createSymbolicLink(r1.resolve("link.bin"), r1.resolve("real/target.bin"));
            Files.createSymbolicLink(r1.resolve("relative.bin"), Path.of("real/target.bin"));
            assertThat(load("link.bin")).isEqualTo("target");
            assertThat(load("relative.bin")).isEqualTo("target");
        }

        @Test
        void aSymlinkEscapingTheRootIsRefusedWithAWarningAndTheSearchGoesOn() throws Exception {
            Path secret = write(tmp.resolve("outside/secret.bin"), "secret");
            Files.createSymbolicLink(r1.resolve("escape.bin"), secret);
            KernelException e = errno(Errno.EACCES, () -> load("escape.bin"));
            assertThat(e.getMessage()).contains("outside the firmware root");
            assertThat(dmesg(log)).contains("escape.bin").contains("outside the firmware root");

            write(r2.resolve("escape.bin"), "the next root's own");
            assertThat(load("escape.bin")).isEqualTo("the next root's own");
        }

        @Test
        void aSymlinkedDirectoryLeadingOutIsRefusedToo() throws Exception {
            write(tmp.resolve("outside/dir/fw.bin"), "secret");
            Files.createSymbolicLink(r1.resolve("updates"), tmp.resolve("outside/dir"));
            errno(Errno.EACCES, () -> load("fw.bin"));
        }

        @Test
        void aDirectoryIsNotAnImage() throws Exception {
            Files.createDirectories(r1.resolve("dir.bin"));
            errno(Errno.EINVAL, () -> load("dir.bin"));
        }
    }

    @Nested
    class Failures {
        @Test
        void aMissingImageIsEnoentAndLoggedUnlessNoWarn() {
            KernelException e = errno(Errno.ENOENT, () -> Firmware.request("missing.bin", dev));
            assertThat(e.getMessage()).contains(r1.toString()).contains(r2.toString());
            assertThat(dmesg(log)).contains("platform dev0: Direct firmware load for missing.bin failed with error -2");

            log.clear();
            errno(Errno.ENOENT, () -> Firmware.requestNoWarn("quiet.bin", dev));
            errno(Errno.ENOENT, () -> Firmware.requestDirect("direct.bin", dev));
            assertThat(dmesg(log)).doesNotContain("Direct firmware load");
        }

        @Test
        void withoutADeviceTheWarningIsTheFirmwareClasssOwn() {
            errno(Errno.ENOENT, () -> loader.request("missing.bin", null, FirmwareLoader.UEVENT));
            assertThat(dmesg(log)).contains("firmware_class: Direct firmware load for missing.bin failed with error -2");
        }

        @Test
        void anEmptyFileIsAnErrorAndTheSearchGoesOn() throws Exception {
            write(r1.resolve("empty.bin"), new byte[0]);
            KernelException e = errno(Errno.EINVAL, () -> load("empty.bin"));
            assertThat(e.getMessage()).contains(r1.resolve("empty.bin").toString()).contains("empty");
            assertThat(dmesg(log)).contains("Direct firmware load for empty.bin failed with error -22");

            write(r2.resolve("empty.bin"), "not empty");
            assertThat(load("empty.bin")).isEqualTo("not empty");
        }

        @Test
        void aFileThatFailsToDecompressIsWarnedAboutAndTheSearchGoesOn() throws Exception {
            loader.setOverridePath(override.toString());
            write(override.resolve("fw.bin.zst"), "this is not zstd");
            write(r1.resolve("fw.bin.xz"), "this is not xz either");
            KernelException e = errno(Errno.EINVAL, () -> load("fw.bin"));
            assertThat(e.getMessage()).contains(override.resolve("fw.bin.zst").toString());
            assertThat(dmesg(log)).contains("decompressing " + override.resolve("fw.bin.zst"))
                    .contains("decompressing " + r1.resolve("fw.bin.xz"));

            write(r2.resolve("fw.bin.zst"), Fixtures.zst(bytes("good")));
            assertThat(load("fw.bin")).isEqualTo("good");
        }

        @Test
        void aTruncatedArchiveFailsToDecompress() throws Exception {
            byte[] good = Fixtures.xz(new byte[100_000]);
            write(r1.resolve("cut.bin.xz"), java.util.Arrays.copyOf(good, good.length / 2));
            errno(Errno.EINVAL, () -> load("cut.bin"));
        }

        @Test
        void aPlainFileBeyondTheLimitIsEfbigBeforeItIsRead() throws Exception {
            boot(FirmwareConfig.builder().maxImageBytes(1024));
            write(r1.resolve("big.bin"), new byte[1025]);
            write(r1.resolve("fits.bin"), new byte[1024]);
            KernelException e = errno(Errno.EFBIG, () -> load("big.bin"));
            assertThat(e.getMessage()).contains(r1.resolve("big.bin").toString()).contains("1025");
            try (Firmware fw = Firmware.request("fits.bin", dev)) {
                assertThat(fw.size()).isEqualTo(1024);
            }
        }

        @Test
        void aZstdBombOfOneGibibyteAgainstA64MibLimitIsEfbigNotOutOfMemory() throws Exception {
            boot(FirmwareConfig.builder().maxImageBytes(64L << 20));
            Path bomb = Fixtures.zeros(r1.resolve("bomb.bin.zst"), 1L << 30, ZstdOutputStream::new);
            assertThat(Files.size(bomb)).isLessThan(1 << 20);
            KernelException e = errno(Errno.EFBIG, () -> load("bomb.bin"));
            assertThat(e.getMessage()).contains(bomb.toString()).contains("more than the image limit of " + (64L << 20));
            assertThat(loader.heldImages()).isEmpty();
        }

        @Test
        void aZstdFrameDeclaringAHugeSizeIsRefusedFromItsHeader() throws Exception {
            boot(FirmwareConfig.builder().maxImageBytes(1 << 20));
            byte[] frame = Zstd.compress(new byte[(1 << 20) + 1]);
            assertThat(Zstd.getFrameContentSize(frame)).isEqualTo((1 << 20) + 1);
            write(r1.resolve("declared.bin.zst"), frame);
            KernelException e = errno(Errno.EFBIG, () -> load("declared.bin"));
            assertThat(e.getMessage()).contains("declared.bin.zst").contains("declares " + ((1 << 20) + 1));
        }

        @Test
        void anXzBombIsEfbig() throws Exception {
            boot(FirmwareConfig.builder().maxImageBytes(1 << 20));
            Path bomb = Fixtures.zeros(r1.resolve("bomb.bin.xz"), 32L << 20,
                    out -> new XZOutputStream(out, new LZMA2Options(0)));
            KernelException e = errno(Errno.EFBIG, () -> load("bomb.bin"));
            assertThat(e.getMessage()).contains(bomb.toString());
        }

        @Test
        void anXzStreamNeedingMoreMemoryThanTheLimitIsEfbig() throws Exception {
            boot(FirmwareConfig.builder().xzMemoryLimitKiB(1024));
            LZMA2Options big = new LZMA2Options(0);
            big.setDictSize(4 << 20); // the decoder needs about 4 MiB, four times the limit
            byte[] data = new byte[4096];
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (XZOutputStream x = new XZOutputStream(out, big)) {
                x.write(data);
            }
            write(r1.resolve("hungry.bin.xz"), out.toByteArray());
            KernelException e = errno(Errno.EFBIG, () -> load("hungry.bin"));
            assertThat(e.getMessage()).contains("hungry.bin.xz").contains("KiB");
        }

        @Test
        void aPathReachingPathMaxEndsTheSearchWithEnametoolong() {
            String name = "d/".repeat(2100) + "fw.bin";
            KernelException e = errno(Errno.ENAMETOOLONG, () -> load(name));
            assertThat(e.getMessage()).contains("PATH_MAX");
        }

        @Test
        void anArchiveThatDecompressesToNothingIsAnError() throws Exception {
            write(r1.resolve("nothing.bin.zst"), Fixtures.zst(new byte[0]));
            errno(Errno.EINVAL, () -> load("nothing.bin"));
        }
    }
}
