package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.ModuleStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import kmodtest.cli.hello.Hello;
import org.junit.jupiter.api.Test;

class ModprobeDepmodTest extends CliTestBase {

    @Test
    void depmodOfADirectoryNeedsNoDaemonAndPrintsNothing() throws Exception {
        Path other = Files.createDirectories(dir.resolve("elsewhere"));
        io.kmod4j.runtime.testing.TestJars.module("hello", Hello.class).alias("greeter").writeTo(other, "hello.jar");
        Run r = run("depmod", "--socket", dir.resolve("none/control.sock").toString(), other.toString());
        assertThat(r).isEqualTo(new Run(0, "", ""));
        assertThat(other.resolve("modules.dep")).hasContent("hello.jar:");
        assertThat(other.resolve("modules.alias")).hasContent("alias greeter hello");
        assertThat(other.resolve("modules.names")).hasContent("hello hello.jar");
    }

    @Test
    void depmodWarnsOnStandardErrorAndJsonHasTheCounts() throws Exception {
        jar("hello", Hello.class);
        Files.writeString(modules.resolve("junk.jar"), "not a zip");
        Run r = run("depmod", modules.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("depmod: WARNING: skipping junk.jar: ");
        assertThat(run("depmod", "--json", modules.toString()).out()).startsWith(
                "{\"dir\":\"" + modules + "\",\"modules\":1,\"aliases\":0,\"warnings\":[\"depmod: WARNING: skipping junk.jar: ");
    }

    @Test
    void depmodWithoutADirectoryIndexesTheDaemonsModuleDirectory() throws Exception {
        fwcoreJar();
        fwuserJar();
        assertThat(kmod4j("depmod", "--json")).isEqualTo(new Run(0,
                "{\"dir\":\"" + modules + "\",\"modules\":2,\"aliases\":0,\"warnings\":[]}\n", ""));
        assertThat(modules.resolve("modules.dep")).hasContent("fwcore.jar:\nfwuser.jar: fwcore.jar");
    }

    @Test
    void depmodOfAMissingDirectoryIsEnoent() {
        Path missing = dir.resolve("missing");
        assertThat(run("depmod", missing.toString())).isEqualTo(new Run(1, "", "depmod: ERROR: " + missing + ": no such directory (ENOENT)\n"));
    }

    @Test
    void modprobeLoadsDependenciesFirstAndPrintsNothing() throws Exception {
        fwcoreJar();
        fwuserJar();
        assertThat(kmod4j("depmod").code()).isZero();
        assertThat(kmod4j("modprobe", "fwuser")).isEqualTo(new Run(0, "", ""));
        assertThat(kernel.lsmod()).extracting(ModuleStatus::name).containsExactly("fwuser", "fwcore");
        assertThat(kmod4j("modprobe", "fwuser")).as("already loaded: nothing to do").isEqualTo(new Run(0, "", ""));
    }

    @Test
    void modprobeRemoveUnloadsTheModuleThenItsUnusedDependenciesAndPrintsTheReports() throws Exception {
        fwcoreJar();
        fwuserJar();
        kmod4j("depmod");
        kmod4j("modprobe", "fwuser");
        Run r = kmod4j("modprobe", "-r", "fwuser");
        assertThat(r.code()).isZero();
        assertThat(r.outWithoutTimes()).isEqualTo(cleanReport("fwuser") + cleanReport("fwcore"));
        assertThat(kernel.lsmod()).isEmpty();
    }

    @Test
    void modprobeJsonListsWhatWasLoadedOrRemoved() throws Exception {
        Path hello = jar("hello", Hello.class);
        kmod4j("depmod");
        assertThat(kmod4j("modprobe", "--json", "hello")).isEqualTo(new Run(0, "{\"loaded\":[{\"name\":\"hello\",\"size\":"
                + Files.size(hello) + ",\"refcount\":0,\"usedBy\":[],\"state\":\"Live\",\"version\":\"\",\"params\":{},"
                + "\"owned\":[],\"taints\":\"\"}]}\n", ""));
        Run r = kmod4j("modprobe", "--json", "-r", "hello");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("{\"removed\":[{\"module\":\"hello\",").endsWith("\"clean\":true}]}\n");
    }

    @Test
    void modprobeWithoutAnIndexOrOfAnUnknownModuleIsEnoent() throws Exception {
        Run r = kmod4j("modprobe", "hello");
        assertThat(r).isEqualTo(new Run(1, "", "modprobe: ERROR: no module index in " + modules + " (" + modules.resolve("modules.names")
                + " is missing): run 'kmod4j depmod " + modules + "' first (ENOENT)\n"));
        kmod4j("depmod");
        assertThat(kmod4j("modprobe", "ghost")).isEqualTo(new Run(1, "",
                "modprobe: ERROR: Module ghost not found in directory " + modules + " (ENOENT)\n"));
        assertThat(kmod4j("modprobe", "-r", "ghost")).isEqualTo(new Run(1, "",
                "modprobe: ERROR: Module ghost is not currently loaded (ENOENT)\n"));
    }

    @Test
    void modprobeRemoveTakesNoParameters() {
        assertThat(kmod4j("modprobe", "-r", "hello", "a=1")).isEqualTo(new Run(2, "", """
                modprobe: ERROR: modprobe -r takes no module parameters
                Try 'kmod4j modprobe --help' for more information.
                """));
    }
}
