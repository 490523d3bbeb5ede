package io.kmod4j.runtime.firmware;

import static io.kmod4j.runtime.firmware.Fixtures.bytes;
import static io.kmod4j.runtime.firmware.Fixtures.errno;
import static io.kmod4j.runtime.firmware.Fixtures.text;
import static io.kmod4j.runtime.firmware.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.log.LogRing;
import io.kmod4j.testing.ManualScheduler;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Firmware objects, sharing of held images, and requestIntoBuffer. */
class FirmwareSharingTest {

    @TempDir
    Path root;

    LogRing log = new LogRing();
    FirmwareLoader loader;
    TestDevice dev;

    @BeforeEach
    void boot() {
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(root).fallbackEnabled(false).build(), log,
                new ManualScheduler());
        dev = new TestDevice("dev0", loader, log);
    }

    @Nested
    class TheFirmwareObject {
        @Test
        void itHasNameSizeSourceAndSha256OfItsData() throws Exception {
            byte[] data = bytes("firmware image bytes");
            Path file = write(root.resolve("vendor/fw.bin"), data);
            try (Firmware fw = Firmware.request("vendor/fw.bin", dev)) {
                assertThat(fw.name()).isEqualTo("vendor/fw.bin");
                assertThat(fw.size()).isEqualTo(data.length);
                assertThat(fw.source()).contains(file);
                assertThat(fw.sha256()).isEqualTo(HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(data)));
            }
        }

        @Test
        void itsDataIsReadOnlyAndEachCallGetsItsOwnPosition() throws Exception {
            write(root.resolve("fw.bin"), "abcdef");
            try (Firmware fw = Firmware.request("fw.bin", dev)) {
                ByteBuffer a = fw.data();
                assertThat(a.isReadOnly()).isTrue();
                a.get();
                a.get();
                ByteBuffer b = fw.data();
                assertThat(b.position()).isZero();
                assertThat(text(b)).isEqualTo("abcdef");
                assertThatThrownBy(() -> a.put(0, (byte) 'x')).isInstanceOf(java.nio.ReadOnlyBufferException.class);
            }
        }

        @Test
        void closeIsIdempotentAndDataAfterCloseFailsAtOnce() throws Exception {
            write(root.resolve("fw.bin"), "x");
            Firmware held = Firmware.request("fw.bin", dev);
            Firmware fw = Firmware.request("fw.bin", dev);
            assertThat(loader.heldImages()).singleElement().extracting(FirmwareLoader.HeldImage::holders).isEqualTo(2);
            fw.close();
            fw.close(); // must not give back the other holder's reference
            assertThat(loader.heldImages()).singleElement().extracting(FirmwareLoader.HeldImage::holders).isEqualTo(1);
            assertThatThrownBy(fw::data).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
            assertThat(text(held.data())).isEqualTo("x");
            held.close();
            assertThat(loader.heldImages()).isEmpty();
        }
    }

    @Nested
    class Sharing {
        @Test
        void aHeldImageIsSharedNotReadAgainAndTheLastCloseFreesIt() throws Exception {
            Path file = write(root.resolve("fw.bin"), "first contents");
            Firmware first = Firmware.request("fw.bin", dev);
            Files.delete(file); // a re-read would now fail

            Firmware second = Firmware.request("fw.bin", dev);
            assertThat(text(second.data())).isEqualTo("first contents");
            assertThat(second.sha256()).isEqualTo(first.sha256());
            first.close();

            Firmware third = Firmware.request("fw.bin", dev); // still held by second
            assertThat(text(third.data())).isEqualTo("first contents");
            second.close();
            third.close();
            assertThat(loader.heldImages()).isEmpty();
            errno(Errno.ENOENT, () -> Firmware.request("fw.bin", dev));
        }

        @Test
        void aChangedFileIsReadAfreshOnceNobodyHoldsTheOldImage() throws Exception {
            write(root.resolve("fw.bin"), "v1");
            try (Firmware fw = Firmware.request("fw.bin", dev)) {
                write(root.resolve("fw.bin"), "v2");
                try (Firmware again = Firmware.request("fw.bin", dev)) {
                    assertThat(text(again.data())).isEqualTo("v1");
                }
            }
            try (Firmware fw = Firmware.request("fw.bin", dev)) {
                assertThat(text(fw.data())).isEqualTo("v2");
            }
        }

        @Test
        void aFailedLoadLeavesNothingBehind() {
            errno(Errno.ENOENT, () -> Firmware.request("missing.bin", dev));
            assertThat(loader.heldImages()).isEmpty();
        }
    }

    @Nested
    class IntoBuffer {
        @Test
        void itLoadsAtTheBuffersPositionWithoutMovingItAndCachesNothing() throws Exception {
            write(root.resolve("fw.bin"), "payload");
            ByteBuffer buf = ByteBuffer.allocate(32).position(4);
            try (Firmware fw = Firmware.requestIntoBuffer("fw.bin", dev, buf)) {
                assertThat(buf.position()).isEqualTo(4);
                assertThat(fw.size()).isEqualTo(7);
                assertThat(text(fw.data())).isEqualTo("payload");
                assertThat(text(buf.slice(4, 7))).isEqualTo("payload");
                assertThat(loader.heldImages()).isEmpty();
            }
        }

        @Test
        void compressedImagesAreDecompressedIntoTheBuffer() throws Exception {
            write(root.resolve("fw.bin.zst"), Fixtures.zst(bytes("from zstd")));
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            try (Firmware fw = Firmware.requestIntoBuffer("fw.bin", dev, buf)) {
                assertThat(text(fw.data())).isEqualTo("from zstd");
            }
        }

        @Test
        void anImageThatDoesNotFitIsEfbig() throws Exception {
            write(root.resolve("fw.bin"), "12345678");
            write(root.resolve("c.bin.xz"), Fixtures.xz(bytes("12345678")));
            errno(Errno.EFBIG, () -> Firmware.requestIntoBuffer("fw.bin", dev, ByteBuffer.allocate(7)));
            errno(Errno.EFBIG, () -> Firmware.requestIntoBuffer("c.bin", dev, ByteBuffer.allocate(7)));
            try (Firmware fw = Firmware.requestIntoBuffer("fw.bin", dev, ByteBuffer.allocate(8))) {
                assertThat(fw.size()).isEqualTo(8);
            }
        }

        @Test
        void whileTheImageIsHeldItIsEopnotsupp() throws Exception {
            write(root.resolve("fw.bin"), "x");
            try (Firmware held = Firmware.request("fw.bin", dev)) {
                errno(Errno.EOPNOTSUPP, () -> Firmware.requestIntoBuffer("fw.bin", dev, ByteBuffer.allocate(8)));
            }
            try (Firmware fw = Firmware.requestIntoBuffer("fw.bin", dev, ByteBuffer.allocate(8))) {
                assertThat(fw.size()).isEqualTo(1);
            }
        }

        @Test
        void aReadOnlyBufferIsTheCallersMistake() throws Exception {
            write(root.resolve("fw.bin"), "x");
            assertThatThrownBy(() -> Firmware.requestIntoBuffer("fw.bin", dev, ByteBuffer.allocate(8).asReadOnlyBuffer()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
