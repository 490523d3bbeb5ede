package io.kmod4j.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.control.Json;
import io.kmod4j.runtime.control.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A parameter's {@code parmperm} is a sysfs mode, 0 to 0777. Regression found by fuzzing
 * (kmod4j-fuzz, ModuleMetadataFuzzTest#modinfo): {@code parmperm=count:-444} parsed as octal, and
 * the negative mode then broke {@code modinfo}'s JSON form on the control socket.
 */
class ModInfoPermTest {

    private static final Path JAR = Path.of("/m.jar");
    private static final String MINIMAL = "name=m\nentry=a.B\nlicense=GPL\nvermagic=kmod4j-api 0.1\nparmtype=p:int\n";

    @ParameterizedTest
    @ValueSource(strings = {"-444", "-1", "1000", "7777", "+1000"})
    void aModeOutsideZeroTo0777IsEnoexec(String perm) {
        assertThatThrownBy(() -> ModInfoParser.parse(JAR, MINIMAL + "parmperm=p:" + perm + "\n"))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOEXEC);
                    assertThat(e.getMessage()).contains("perm '" + perm + "'").contains("0777");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0444", "0644", "0777", "600"})
    void anAcceptedModeSurvivesTheControlProtocol(String perm) throws Exception {
        ModInfo info = ModInfoParser.parse(JAR, MINIMAL + "parmperm=p:" + perm + "\n");
        ModInfo back = Json.decodeModInfo(JsonObject.of(Json.parse(Json.write(Json.encode(info)), "reply", Errno.EPROTO),
                "result", Errno.EPROTO));
        assertThat(back).isEqualTo(info);
    }
}
