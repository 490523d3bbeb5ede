package io.kmod4j.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.testing.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kmodtest.fwcore.FwCore;
import kmodtest.fwuser.FwUser;
import kmodtest.hello.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepmodModprobeTest {

    @TempDir
    Path dir;

    Kernel kernel;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("net"));
        TestJars.module("fwcore", FwCore.class).export("kmodtest.fwcore.api").writeTo(dir, "fwcore-1.0.jar");
        TestJars.module("fwuser", FwUser.class).depends("fwcore").alias("of:acme,fw*").writeTo(dir.resolve("net"), "fwuser.jar");
        TestJars.module("hello", Hello.class).alias("greeter").writeTo(dir, "hello.jar");
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(dir).build());
    }

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    @Test
    void depmodWritesTheDependencyAliasAndNameIndexes() throws Exception {
        ModuleIndex.DepmodResult r = Kernel.depmod(dir);
        assertThat(r.modules()).isEqualTo(3);
        assertThat(r.aliases()).isEqualTo(2);
        assertThat(r.warnings()).isEmpty();
        assertThat(Files.readAllLines(dir.resolve("modules.dep")))
                .containsExactly("fwcore-1.0.jar:", "net/fwuser.jar: fwcore-1.0.jar", "hello.jar:");
        assertThat(Files.readAllLines(dir.resolve("modules.alias")))
                .containsExactly("alias of:acme,fw* fwuser", "alias greeter hello");
        assertThat(Files.readAllLines(dir.resolve("modules.names")))
                .containsExactly("fwcore fwcore-1.0.jar", "fwuser net/fwuser.jar", "hello hello.jar");
    }

    @Test
    void modprobeLoadsDependenciesFirstAndFindsModulesByAlias() throws Exception {
        Kernel.depmod(dir);
        List<ModuleStatus> loaded = kernel.modprobe("fwuser", Map.of());
        assertThat(loaded).extracting(ModuleStatus::name).containsExactly("fwcore", "fwuser");
        assertThat(kernel.modprobe("fwuser", Map.of())).as("already loaded: nothing to do").isEmpty();
        assertThat(kernel.modprobe("greeter", Map.of())).extracting(ModuleStatus::name).containsExactly("hello");
        kernel.rmmod("fwuser");
        assertThat(kernel.modprobe("of:acme,fw-flash", Map.of())).extracting(ModuleStatus::name).containsExactly("fwuser");
    }

    @Test
    void modprobeRemoveTakesUnusedDependenciesAlongButNotUsedOnes() throws Exception {
        Kernel.depmod(dir);
        kernel.modprobe("fwuser", Map.of());
        List<UnloadReport> reports = kernel.modprobeRemove("fwuser");
        assertThat(reports).extracting(UnloadReport::module).containsExactly("fwuser", "fwcore");
        assertThat(kernel.lsmod()).isEmpty();

        kernel.modprobe("fwuser", Map.of());
        try (var ref = kernel.tryGetModule("fwcore").orElseThrow()) {
            assertThat(kernel.modprobeRemove("fwuser")).extracting(UnloadReport::module).containsExactly("fwuser");
            assertThat(kernel.status("fwcore")).as("still referenced, so left loaded").isPresent();
        }
    }

    @Test
    void withoutAnIndexModprobeSaysToRunDepmodAndAnUnknownNameIsEnoent() throws Exception {
        assertThatThrownBy(() -> kernel.modprobe("fwuser", Map.of()))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.getMessage()).contains("depmod");
                });
        Kernel.depmod(dir);
        assertThatThrownBy(() -> kernel.modprobe("nosuch", Map.of()))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.getMessage()).isEqualTo("Module nosuch not found in directory " + dir.toAbsolutePath());
                });
    }

    @Test
    void depmodWarnsAboutUnknownDependenciesCyclesAndNonModules() throws Exception {
        TestJars.module("orphan", Hello.class).depends("ghost").writeTo(dir, "orphan.jar");
        TestJars.module("ping", Hello.class).depends("pong").writeTo(dir, "ping.jar");
        TestJars.module("pong", Hello.class).depends("ping").writeTo(dir, "pong.jar");
        Files.writeString(dir.resolve("notes.jar"), "not a jar");
        ModuleIndex.DepmodResult r = Kernel.depmod(dir);
        assertThat(r.warnings()).anyMatch(w -> w.contains("orphan needs unknown module ghost"))
                .anyMatch(w -> w.contains("Cycle detected: ping -> pong -> ping") || w.contains("Cycle detected: pong -> ping -> pong"))
                .anyMatch(w -> w.contains("skipping notes.jar"));
        assertThat(Files.readString(dir.resolve("modules.dep"))).doesNotContain("orphan").doesNotContain("ping.jar");
    }

    @Test
    void modinfoFindsAnIndexedModuleByNameWithoutLoadingIt() throws Exception {
        Kernel.depmod(dir);
        assertThat(kernel.modinfo("fwuser").depends()).containsExactly("fwcore");
        assertThat(kernel.lsmod()).isEmpty();
        assertThatThrownBy(() -> kernel.modinfo("nosuch")).isInstanceOfSatisfying(KernelException.class,
                e -> assertThat(e.getMessage()).isEqualTo("Module nosuch not found."));
    }

    @Test
    void aMissingDirectoryIsEnoent() {
        assertThatThrownBy(() -> Kernel.depmod(dir.resolve("none"))).isInstanceOfSatisfying(KernelException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
