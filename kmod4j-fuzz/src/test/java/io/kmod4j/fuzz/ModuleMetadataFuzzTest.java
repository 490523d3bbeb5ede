package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.control.Json;
import io.kmod4j.runtime.control.JsonObject;
import io.kmod4j.runtime.module.ModInfoParser;
import io.kmod4j.runtime.module.ModuleJar;
import io.kmod4j.runtime.module.ParamType;
import io.kmod4j.runtime.module.ParamValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Module metadata as {@code modinfo}, {@code depmod} and {@code insmod} read it from a JAR that
 * anyone may hand the kernel: {@code META-INF/kmod4j/modinfo} text ({@link ModInfoParser}) and
 * the JAR itself ({@link ModuleJar#read}, {@link ModuleJar#readInfo}).
 *
 * <p>Invariants: a malformed input fails with a {@link KernelException} and nothing else (never
 * an unchecked exception, never {@link OutOfMemoryError}); modinfo errors are {@code ENOEXEC}
 * naming the file; whatever the parser accepts is usable downstream (its parameter types are
 * known, {@code modinfo}'s text and the control protocol's JSON form can be written and read
 * back to an equal value); and the two JAR readers, the streaming one {@code insmod} uses and
 * the central-directory one {@code modinfo}/{@code depmod} use, agree on the metadata.
 */
class ModuleMetadataFuzzTest {

    private static final Path DIR = Sandbox.create("kmod4j-fuzz-modinfo-");
    private static final Path FILE = DIR.resolve("fuzzed.jar");
    private static final AtomicLong JARS = new AtomicLong();

    /** {@code META-INF/kmod4j/modinfo} text, as UTF-8. */
    @FuzzTest
    @DictionaryEntries({"name=", "entry=", "license=", "vermagic=kmod4j-api 0.1", "depends=", "exit=", "parm=",
            "parmtype=", "parmdefault=", "parmperm=", "parmfield=", "array of ", "charp", "ulong", "hexint",
            "invbool", "alias=of:", "firmware=", "export="})
    void modinfo(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        ModInfo info;
        try {
            info = ModInfoParser.parse(FILE, text);
        } catch (KernelException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ENOEXEC);
            assertThat(e.getMessage()).startsWith(FILE + ": " + ModInfoParser.ENTRY);
            return;
        }
        checkUsable(info);
    }

    /** A whole module JAR: the bytes become a file that both readers open. */
    @FuzzTest
    void moduleJar(byte[] input) throws Exception {
        Path jar = DIR.resolve("m" + JARS.incrementAndGet() + ".jar");
        Files.write(jar, input);
        try {
            ModInfo streamed = null;
            try {
                streamed = ModuleJar.read(jar).info();
                checkUsable(streamed);
            } catch (KernelException expected) {
                // refused as a module: fine, whatever the errno
            }
            ModInfo indexed = null;
            try {
                indexed = ModuleJar.readInfo(jar);
                checkUsable(indexed);
            } catch (KernelException expected) {
                // refused
            }
            if (streamed != null && indexed != null) {
                // insmod (streamed) and modinfo/depmod (central directory) must describe the
                // same module, or depmod's index and what loads disagree.
                assertThat(indexed).as("modinfo/depmod's view of the JAR").isEqualTo(streamed);
            }
        } finally {
            Files.deleteIfExists(jar);
        }
    }

    /** What the parser accepted must work everywhere metadata goes next. */
    static void checkUsable(ModInfo info) throws KernelException {
        assertThat(info.name()).matches(ModInfoParser.NAME);
        info.depends().forEach(d -> assertThat(d).matches(ModInfoParser.NAME));
        for (ModInfo.ParamInfo p : info.params()) {
            ParamType.parseTypeName(p.type()); // the parser promised a known type
        }
        assertThat(info.format()).isNotEmpty();
        // The control protocol carries it to `kmod4j modinfo`: its JSON must read back equal.
        String json = Json.write(Json.encode(info));
        ModInfo back = Json.decodeModInfo(JsonObject.of(Json.parse(json, "reply", Errno.EPROTO), "result", Errno.EPROTO));
        assertThat(back).as("modinfo after a JSON round trip").isEqualTo(info);
        // The declared defaults are what a load without parameters uses: they parse, or EINVAL.
        try {
            ParamValues.resolve(info, Map.of(), warning -> { });
        } catch (KernelException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.EINVAL);
        }
    }
}
