package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.log.LogRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import kmodtest.cli.crashinit.CrashInit;
import kmodtest.cli.failinit.FailInit;
import kmodtest.cli.hello.Hello;
import kmodtest.cli.params.Params;
import org.junit.jupiter.api.Test;

class InsmodTest extends CliTestBase {

    private Path paramsJar() throws Exception {
        return TestJars.module("params", Params.class)
                .param("count", "int", "3", 0444, "count")
                .param("verbose", "bool", "n", 0444, "verbose")
                .writeTo(modules, "params.jar");
    }

    private boolean logged(String text) {
        return kernel.dmesg().stream().map(LogRecord::message).anyMatch(text::equals);
    }

    @Test
    void loadsAModuleAndPrintsNothing() throws Exception {
        Run r = kmod4j("insmod", jar("hello", Hello.class).toString());
        assertThat(r).isEqualTo(new Run(0, "", ""));
        assertThat(kernel.status("hello")).isPresent();
        assertThat(logged("Hello World")).isTrue();
    }

    @Test
    void aRelativePathIsTakenFromTheClientsDirectoryNotTheDaemons() throws Exception {
        Path jar = jar("hello", Hello.class);
        String relative = Path.of("").toAbsolutePath().relativize(jar).toString();
        assertThat(relative).doesNotStartWith("/");
        assertThat(kmod4j("insmod", relative).code()).isZero();
        assertThat(kernel.status("hello")).isPresent();
    }

    @Test
    void passesParametersAndABareNameMeansNoValue() throws Exception {
        Run r = kmod4j("insmod", paramsJar().toString(), "count=5", "verbose");
        assertThat(r.code()).isZero();
        assertThat(logged("count=5 verbose=true")).isTrue();
    }

    @Test
    void jsonPrintsTheNewModulesStatus() throws Exception {
        Path jar = paramsJar();
        Run r = kmod4j("insmod", "--json", jar.toString(), "count=0x10");
        assertThat(r).isEqualTo(new Run(0, "{\"name\":\"params\",\"size\":" + Files.size(jar)
                + ",\"refcount\":0,\"usedBy\":[],\"state\":\"Live\",\"version\":\"\",\"params\":{\"count\":\"16\",\"verbose\":\"N\"},"
                + "\"owned\":[],\"taints\":\"\"}\n", ""));
    }

    @Test
    void aMissingFileIsEnoentInKmodsWords() {
        Path missing = dir.resolve("nope.jar");
        Run r = kmod4j("insmod", missing.toString());
        assertThat(r).isEqualTo(new Run(1, "",
                "insmod: ERROR: could not insert module " + missing + ": " + missing + ": no such file (ENOENT)\n"));
    }

    @Test
    void aDuplicateIsEexist() throws Exception {
        Path jar = jar("hello", Hello.class);
        kmod4j("insmod", jar.toString());
        assertThat(kmod4j("insmod", jar.toString())).isEqualTo(new Run(1, "",
                "insmod: ERROR: could not insert module " + jar + ": Module hello already in kernel (EEXIST)\n"));
    }

    @Test
    void aBadParameterValueIsEinvalNamingIt() throws Exception {
        Path jar = paramsJar();
        Run r = kmod4j("insmod", jar.toString(), "count=three");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("insmod: ERROR: could not insert module " + jar + ": ")
                .contains("count").contains("three").endsWith(" (EINVAL)\n");
        assertThat(kernel.lsmod()).isEmpty();
    }

    @Test
    void aFailingInitReportsItsErrnoAndACrashIsEfault() throws Exception {
        Path fail = jar("failinit", FailInit.class);
        Path crash = jar("crashinit", CrashInit.class);
        assertThat(kmod4j("insmod", fail.toString()))
                .isEqualTo(new Run(1, "", "insmod: ERROR: could not insert module " + fail + ": no device found (ENODEV)\n"));
        Run r = kmod4j("insmod", crash.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("insmod: ERROR: could not insert module " + crash
                + ": crashinit: init crashed: java.lang.IllegalStateException: wires crossed (EFAULT)\n");
        assertThat(kernel.lsmod()).isEmpty();
        assertThat(kmod4j("lsmod").code()).as("the daemon still serves").isZero();
    }

    @Test
    void aFileThatIsNotAModuleIsEnoexec() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.jar"), "not a zip");
        Run r = kmod4j("insmod", junk.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("insmod: ERROR: could not insert module " + junk + ": " + junk).endsWith(" (ENOEXEC)\n");
    }

    @Test
    void aParameterWithoutANameIsAUsageError() throws Exception {
        Run r = kmod4j("insmod", jar("hello", Hello.class).toString(), "=5");
        assertThat(r).isEqualTo(new Run(2, "", """
                insmod: ERROR: module parameter '=5' has no name (expected name=value)
                Try 'kmod4j insmod --help' for more information.
                """));
        assertThat(kernel.lsmod()).isEmpty();
    }
}
