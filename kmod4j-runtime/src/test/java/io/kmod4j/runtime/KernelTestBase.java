package io.kmod4j.runtime;

import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.testing.TestJars;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Boots a fresh kernel per test and builds module JARs into a temp directory. */
abstract class KernelTestBase {

    @TempDir
    Path dir;

    Kernel kernel;

    @BeforeEach
    void bootKernel() throws io.kmod4j.KernelException {
        kernel = Kernel.boot(config().build());
    }

    /** Override to change the kernel's configuration. */
    KernelConfig.Builder config() {
        return KernelConfig.builder().unloadTimeout(Duration.ofSeconds(20)).moduleDir(dir);
    }

    @AfterEach
    void closeKernel() {
        kernel.close();
    }

    Path jar(String name, Class<?> entry) throws IOException {
        return TestJars.module(name, entry).writeTo(dir, name + ".jar");
    }

    /** The kernel log as dmesg prints it. */
    String dmesg() {
        return kernel.dmesg().stream().map(LogRecord::format).collect(Collectors.joining("\n"));
    }
}
