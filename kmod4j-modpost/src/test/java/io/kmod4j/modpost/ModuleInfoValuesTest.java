package io.kmod4j.modpost;

import static io.kmod4j.modpost.Javac.compile;
import static io.kmod4j.modpost.Javac.source;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checks on {@code @ModuleInfo}'s values, each error on the line of the value at fault. */
class ModuleInfoValuesTest {

    /** A module whose annotation members are {@code members}, one per line as given. */
    private static Javac.Source module(String members) {
        return source("m.M", """
                package m;

                @io.kmod4j.ModuleInfo(
                %s)
                public class M implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """.formatted(members));
    }

    private static void assertErrors(Javac.Source s, String... markerThenMessage) {
        Javac.Result r = compile(s);
        String[] expected = new String[markerThenMessage.length / 2];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = s.lineOf(markerThenMessage[2 * i]) + ": " + markerThenMessage[2 * i + 1];
        }
        assertThat(r.errorLines()).containsExactly(expected);
        assertThat(r.modinfo()).isEmpty();
    }

    private static void assertAccepted(Javac.Source s) {
        Javac.Result r = compile(s);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z9", "snd-hda_intel", "_", "-", "x2345678901234567890123456789012345678901234567890123456"})
    void validNamesAreAccepted(String name) {
        assertAccepted(module("name = \"" + name + "\",\n license = \"GPL\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "dot.ted", "slash/", "ümlaut", "colon:",
        "x23456789012345678901234567890123456789012345678901234567"})
    void invalidNamesAreRefused(String name) {
        assertErrors(module("name = \"" + name + "\",\n license = \"GPL\""),
                "name =", "module name \"" + name + "\" is not valid: use 1 to 56 of A-Z a-z 0-9 _ -");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\\t"})
    void emptyOrBlankLicenseIsRefused(String license) {
        assertErrors(module("name = \"m\",\n license = \"" + license + "\""),
                "license =", "license must not be empty (MODULE_LICENSE): it decides whether loading the module"
                        + " taints the kernel");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\n", "\\r", "\\0", "\\u0000"})
    void lineBreakOrNulInAnyValueIsRefused(String bad) {
        String rule = " must not contain a line break or NUL: META-INF/kmod4j/modinfo holds one key=value per line";
        assertErrors(module("""
                name = "m%1$s",
                license = "GPL%1$s",
                version = "1%1$s",
                description = "d%1$s",
                author = {"ok",
                    "a%1$s"},
                depends = "d%1$s",
                exports = "m%1$s",
                firmware = "f%1$s",
                aliases = "x%1$s"
                """.formatted(bad)),
                "name =", "name" + rule,
                "license =", "license" + rule,
                "version =", "version" + rule,
                "description =", "description" + rule,
                "\"a" + bad, "author" + rule,
                "depends =", "depends entry" + rule,
                "exports =", "export" + rule,
                "firmware =", "firmware name" + rule,
                "aliases =", "alias" + rule);
    }

    @Test
    void emptyAuthorIsRefused() {
        assertErrors(module("name = \"m\", license = \"GPL\",\n author = {\"a\",\n \" \"}"),
                "\" \"}", "author must not be empty");
    }

    @Test
    void dependsEntriesMustBeModuleNamesOtherThanItselfListedOnce() {
        assertErrors(module("""
                name = "m", license = "GPL",
                depends = {
                    "base",
                    "not valid", // invalid
                    "m", // self
                    "base", // twice
                    ""} // empty
                """),
                "// invalid", "depends entry \"not valid\" is not a valid module name: use 1 to 56 of A-Z a-z 0-9 _ -",
                "// self", "module \"m\" cannot depend on itself",
                "// twice", "depends lists \"base\" twice",
                "// empty", "depends entry \"\" is not a valid module name: use 1 to 56 of A-Z a-z 0-9 _ -");
    }

    @Test
    void singleValueShorthandPointsAtItsLine() {
        assertErrors(module("name = \"m\", license = \"GPL\",\n depends = \"m\""),
                "depends =", "module \"m\" cannot depend on itself");
    }

    @Test
    void exportsMustBePackagesWithClassesInTheCompilation() {
        Javac.Source s = source("m.M", """
                package m;

                @io.kmod4j.ModuleInfo(name = "m", license = "GPL", exports = {
                        "m",
                        "m.api",
                        "m.", // syntax
                        "1m", // digit
                        "m.class", // keyword
                        "m.missing", // missing
                        "m.api", // twice
                        "m.empty", // no types
                        ""}) // empty
                public class M implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """);
        Javac.Source api = source("m.api.Api", "package m.api; public interface Api {}");
        Javac.Source sub = source("m.empty.sub.S", "package m.empty.sub; public class S {}");
        Javac.Result r = compile(s, api, sub);
        assertThat(r.errorLines()).containsExactly(
                s.lineOf("// syntax") + ": export \"m.\" is not a valid package name",
                s.lineOf("// digit") + ": export \"1m\" is not a valid package name",
                s.lineOf("// keyword") + ": export \"m.class\" is not a valid package name",
                s.lineOf("// missing") + ": export \"m.missing\" names no package with classes in this compilation",
                s.lineOf("// twice") + ": exports list \"m.api\" twice",
                s.lineOf("// no types") + ": export \"m.empty\" names no package with classes in this compilation",
                s.lineOf("// empty") + ": export \"\" is not a valid package name");
        assertThat(r.modinfo()).isEmpty();
    }

    @Test
    void aliasesMustBeNonEmptyWithoutWhitespaceListedOnce() {
        assertErrors(module("""
                name = "m", license = "GPL",
                aliases = {
                    "of:kmod4j,tftp-flash",
                    "", // empty
                    "has space", // space
                    "tab\there", // tab
                    "nbsp\u00a0", // nbsp
                    "of:kmod4j,tftp-flash"} // twice
                """),
                "// empty", "alias must not be empty",
                "// space", "alias \"has space\" must not contain whitespace",
                "// tab", "alias \"tab\there\" must not contain whitespace",
                "// nbsp", "alias \"nbsp\u00a0\" must not contain whitespace",
                "// twice", "aliases list \"of:kmod4j,tftp-flash\" twice");
    }

    @Test
    void firmwareNamesMustBeRelativeWithoutDotDotListedOnce() {
        assertErrors(module("""
                name = "m", license = "GPL",
                firmware = {
                    "vendor/fw.bin",
                    "a..b/fw..bin",
                    "./fw.bin",
                    "", // empty
                    "/lib/firmware/fw.bin", // absolute
                    "../fw.bin", // up
                    "vendor/../../fw.bin", // middle
                    "vendor/..", // last
                    "vendor/fw.bin"} // twice
                """),
                "// empty", "firmware name must not be empty",
                "// absolute", "firmware name \"/lib/firmware/fw.bin\" must be relative: it is looked up under the"
                        + " firmware search path",
                "// up", "firmware name \"../fw.bin\" must not contain a '..' component: it would leave the firmware"
                        + " search path",
                "// middle", "firmware name \"vendor/../../fw.bin\" must not contain a '..' component: it would leave"
                        + " the firmware search path",
                "// last", "firmware name \"vendor/..\" must not contain a '..' component: it would leave the"
                        + " firmware search path",
                "// twice", "firmware lists \"vendor/fw.bin\" twice");
    }
}
