package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.runtime.module.ModuleLoader;
import java.nio.file.Path;
import kmodtest.cli.hello.Hello;
import kmodtest.cli.params.Params;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModinfoTest extends CliTestBase {

    Path jar;
    String noDaemon;

    @BeforeEach
    void buildJar() throws Exception {
        jar = TestJars.module("params", Params.class).version("2.1").alias("of:kmod4j,test")
                .param("count", "int", "3", 0444, "count").writeTo(modules, "params.jar");
        noDaemon = dir.resolve("none/control.sock").toString();
    }

    private String text() {
        return """
                filename:       %s
                license:        GPL
                version:        2.1
                alias:          of:kmod4j,test
                depends:
                name:           params
                entry:          kmodtest.cli.params.Params
                vermagic:       %s
                parm:           count:test parameter count (int) [default: 3, perm: 0444]
                """.formatted(jar, ModuleLoader.VERMAGIC);
    }

    @Test
    void aFileIsReadWithoutADaemonLikeKmodReadsAKo() {
        assertThat(run("modinfo", "--socket", noDaemon, jar.toString())).isEqualTo(new Run(0, text(), ""));
    }

    @Test
    void fieldPrintsOnlyThatFieldsValues() {
        assertThat(run("modinfo", "--socket", noDaemon, "-F", "alias", jar.toString()))
                .isEqualTo(new Run(0, "of:kmod4j,test\n", ""));
        assertThat(run("modinfo", "--socket", noDaemon, "-F", "parm", jar.toString()))
                .isEqualTo(new Run(0, "count:test parameter count (int) [default: 3, perm: 0444]\n", ""));
        assertThat(run("modinfo", "--socket", noDaemon, "-F", "nothing", jar.toString())).isEqualTo(new Run(0, "", ""));
        assertThat(run("modinfo", "--socket", noDaemon, "--json", "-F", "alias", jar.toString()))
                .isEqualTo(new Run(0, "[\"of:kmod4j,test\"]\n", ""));
    }

    @Test
    void aNameIsAskedOfTheDaemon() throws Exception {
        kernel.insmod(jar);
        assertThat(kmod4j("modinfo", "params")).isEqualTo(new Run(0, text(), ""));
    }

    @Test
    void jsonHasEveryField() {
        assertThat(run("modinfo", "--socket", noDaemon, "--json", jar.toString())).isEqualTo(new Run(0,
                "{\"file\":\"" + jar + "\",\"name\":\"params\",\"entry\":\"kmodtest.cli.params.Params\",\"license\":\"GPL\","
                        + "\"version\":\"2.1\",\"description\":\"\",\"authors\":[],\"depends\":[],\"exports\":[],\"firmware\":[],"
                        + "\"aliases\":[\"of:kmod4j,test\"],\"params\":[{\"name\":\"count\",\"type\":\"int\","
                        + "\"description\":\"test parameter count\",\"default\":\"3\",\"perm\":\"0444\",\"field\":\"count\"}],"
                        + "\"hasExit\":true,\"vermagic\":\"" + ModuleLoader.VERMAGIC + "\",\"raw\":["
                        + "[\"name\",\"params\"],[\"entry\",\"kmodtest.cli.params.Params\"],[\"license\",\"GPL\"],[\"version\",\"2.1\"],"
                        + "[\"alias\",\"of:kmod4j,test\"],[\"parm\",\"count:test parameter count\"],[\"parmtype\",\"count:int\"],"
                        + "[\"parmdefault\",\"count:3\"],[\"parmperm\",\"count:444\"],[\"parmfield\",\"count:count\"],"
                        + "[\"exit\",\"true\"],[\"vermagic\",\"" + ModuleLoader.VERMAGIC + "\"]]}\n", ""));
    }

    @Test
    void anUnknownNameIsEnoentAndANameWithoutADaemonIsExit3() throws Exception {
        assertThat(kmod4j("modinfo", "ghost")).isEqualTo(new Run(1, "", "modinfo: ERROR: Module ghost not found. (ENOENT)\n"));
        Run r = run("modinfo", "--socket", noDaemon, "hello");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("modinfo: ERROR: no kmod4j daemon is running: " + noDaemon + " does not exist;");
    }

    @Test
    void aMissingFileIsEnoent() {
        Path missing = dir.resolve("nope.jar");
        assertThat(run("modinfo", "--socket", noDaemon, missing.toString()))
                .isEqualTo(new Run(1, "", "modinfo: ERROR: " + missing + ": no such file (ENOENT)\n"));
    }

    @Test
    void aModuleInTheDaemonsIndexIsFoundByName() throws Exception {
        jar("hello", Hello.class);
        assertThat(kmod4j("depmod").code()).isZero();
        Run r = kmod4j("modinfo", "-F", "name", "hello");
        assertThat(r).isEqualTo(new Run(0, "hello\n", ""));
    }
}
