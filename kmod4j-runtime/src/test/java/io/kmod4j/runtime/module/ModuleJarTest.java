package io.kmod4j.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.ModInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading module JARs. Regression found by fuzzing (kmod4j-fuzz, ModuleMetadataFuzzTest#moduleJar):
 * {@code modinfo}/{@code depmod} ({@link ModuleJar#readInfo}) and {@code insmod}
 * ({@link ModuleJar#read}) must see the same metadata, whatever the ZIP's central directory says.
 */
class ModuleJarTest {

    private static final String SHOWN = "name=shown\nentry=a.Shown\nlicense=GPL\nvermagic=kmod4j-api 0.1\n";
    private static final String HIDDEN = "name=hidden\nentry=evil.Entry\nlicense=GPL\nvermagic=kmod4j-api 0.1\n";

    @TempDir
    Path dir;

    @Test
    void aSecondModinfoOutsideTheCentralDirectoryIsWhatBothReadersSee() throws Exception {
        // Local entries: modinfo "shown", then modinfo "hidden"; the central directory lists only
        // "shown", so `unzip -l`, `jar tf` and java.util.zip.ZipFile show one harmless module.
        byte[] shown = zip(SHOWN);
        byte[] hidden = zip(HIDDEN);
        int shownCen = cenOffset(shown);
        int hiddenCen = cenOffset(hidden);
        ByteArrayOutputStream smuggled = new ByteArrayOutputStream();
        smuggled.write(shown, 0, shownCen);
        smuggled.write(hidden, 0, hiddenCen);
        smuggled.write(shown, shownCen, shown.length - 22 - shownCen);
        ByteBuffer end = ByteBuffer.wrap(Arrays.copyOfRange(shown, shown.length - 22, shown.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(16, shownCen + hiddenCen);
        smuggled.write(end.array());
        Path jar = Files.write(dir.resolve("smuggled.jar"), smuggled.toByteArray());
        try (ZipFile z = new ZipFile(jar.toFile())) {
            assertThat(z.size()).as("what the central directory lists").isEqualTo(1);
        }

        ModInfo loaded = ModuleJar.read(jar).info();
        ModInfo indexed = ModuleJar.readInfo(jar);
        assertThat(loaded.name()).isEqualTo("hidden");
        assertThat(indexed).as("what modinfo and depmod show").isEqualTo(loaded);
    }

    @Test
    void anOrdinaryJarReadsTheSameBothWays() throws Exception {
        Path jar = Files.write(dir.resolve("plain.jar"), zip(SHOWN));
        assertThat(ModuleJar.readInfo(jar)).isEqualTo(ModuleJar.read(jar).info());
        assertThat(ModuleJar.readInfo(jar).name()).isEqualTo("shown");
    }

    @Test
    void theSameBytesAtTheSamePathAreParsedOnce() throws Exception {
        Path jar = Files.write(dir.resolve("again.jar"), zip(SHOWN));
        ModuleJar first = ModuleJar.read(jar);
        ModuleJar second = ModuleJar.read(jar);
        assertThat(second.info()).as("the remembered parse").isSameAs(first.info());
        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second.size()).isEqualTo(first.size());
    }

    @Test
    void aJarReplacedWithTheSameSizeAndTimeStampIsParsedAgain() throws Exception {
        // Same length, same mtime, same inode (written in place): only the bytes differ. A cache
        // keyed on file attributes would hand out the old module here; ours checks the hash.
        String one = "name=aaaaa\nentry=a.Shown\nlicense=GPL\nvermagic=kmod4j-api 0.1\n";
        String two = "name=bbbbb\nentry=a.Shown\nlicense=GPL\nvermagic=kmod4j-api 0.1\n";
        Path jar = Files.write(dir.resolve("replaced.jar"), zip(one));
        java.nio.file.attribute.FileTime stamp = Files.getLastModifiedTime(jar);
        assertThat(ModuleJar.read(jar).info().name()).isEqualTo("aaaaa");

        byte[] replacement = zip(two);
        assertThat(replacement).hasSize((int) Files.size(jar));
        Files.write(jar, replacement);
        Files.setLastModifiedTime(jar, stamp);

        ModuleJar reread = ModuleJar.read(jar);
        assertThat(reread.info().name()).isEqualTo("bbbbb");
        assertThat(reread.entry(ModInfoParser.ENTRY)).isEqualTo(two.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBrokenJarIsNotRememberedAsItsGoodPredecessor() throws Exception {
        Path jar = Files.write(dir.resolve("broken.jar"), zip(SHOWN));
        assertThat(ModuleJar.read(jar).info().name()).isEqualTo("shown");
        Files.write(jar, "not a zip at all".getBytes(StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModuleJar.read(jar))
                .isInstanceOfSatisfying(io.kmod4j.KernelException.class,
                        e -> assertThat(e.errno()).isEqualTo(io.kmod4j.Errno.ENOEXEC));
    }

    private static byte[] zip(String modinfo) throws IOException {
        byte[] content = modinfo.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            ZipEntry e = new ZipEntry(ModInfoParser.ENTRY);
            e.setMethod(ZipEntry.STORED);
            e.setSize(content.length);
            CRC32 crc = new CRC32();
            crc.update(content);
            e.setCrc(crc.getValue());
            z.putNextEntry(e);
            z.write(content);
            z.closeEntry();
        }
        return bo.toByteArray();
    }

    private static int cenOffset(byte[] zip) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 22 + 16);
    }
}
