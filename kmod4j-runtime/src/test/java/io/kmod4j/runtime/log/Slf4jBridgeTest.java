package io.kmod4j.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.log.Level;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The kernel log reaches SLF4J (here slf4j-simple, which writes to standard error) when asked. */
class Slf4jBridgeTest {

    @Test
    void linesGoToOneLoggerPerOwnerWithTheirLevelOnlyWhenEnabled() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            try (Kernel bridged = Kernel.boot(KernelConfig.builder().slf4j(true).build())) {
                bridged.log().log(Level.ERR, "fwcore", "firmware went missing");
                bridged.log().log(Level.INFO, "hello", "Hello World");
            }
            try (Kernel plain = Kernel.boot(KernelConfig.builder().build())) {
                plain.log().log(Level.ERR, "quiet", "not copied");
            }
        } finally {
            System.setErr(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).containsPattern("ERROR kmod4j\\.fwcore - \\[\\s*[0-9.]+\\] firmware went missing")
                .containsPattern("INFO kmod4j\\.hello - \\[\\s*[0-9.]+\\] Hello World")
                .doesNotContain("not copied");
    }
}
