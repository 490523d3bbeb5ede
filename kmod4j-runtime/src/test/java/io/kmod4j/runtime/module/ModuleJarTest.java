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
