package io.kmod4j.modpost;

import static io.kmod4j.modpost.Javac.compile;
import static io.kmod4j.modpost.Javac.source;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checks on {@code @Param} fields, each error on the line at fault. */
class ParamTest {

    /** The entry class with {@code fields} in its body. */
    private static Javac.Source module(String fields) {
        return source("m.M", """
                package m;

                import io.kmod4j.Param;

                @io.kmod4j.ModuleInfo(name = "m", license = "GPL")
                public class M implements io.kmod4j.Module {
                %s
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """.formatted(fields));
    }

    private static Javac.Result assertErrors(Javac.Source s, String... markerThenMessage) {
        Javac.Result r = compile(s);
        String[] expected = new String[markerThenMessage.length / 2];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = s.lineOf(markerThenMessage[2 * i]) + ": " + markerThenMessage[2 * i + 1];
        }
        assertThat(r.errorLines()).containsExactly(expected);
        assertThat(r.modinfo()).isEmpty();
        return r;
    }

    private static String parmLines(Javac.Source s) {
        Javac.Result r = compile(s);
        assertThat(r.diagnostics()).isEmpty();
        return r.modinfo().orElseThrow().lines().filter(l -> l.startsWith("parm"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void paramOnAnotherClassIsRefused() {
        Javac.Source entry = module("    @Param int ok;");
        Javac.Source other = source("x.Other", """
                package x;

                public class Other {
                    @io.kmod4j.Param
                    int count;
                }
                """);
        Javac.Result r = compile(entry, other);
        assertThat(r.errors()).containsExactly(new Javac.Diag(javax.tools.Diagnostic.Kind.ERROR, "/x/Other.java",
                other.lineOf("@io.kmod4j.Param"), "@Param is allowed only on fields of the @ModuleInfo entry class:"
                        + " x.Other is not the entry class m.M"));
        assertThat(r.modinfo()).isEmpty();
    }

    @Test
    void paramOnAClassNestedInTheEntryIsRefused() {
        assertErrors(module("""
                    public static class Settings {
                        @Param int nested; // here
                    }
                """),
                "// here", "@Param is allowed only on fields of the @ModuleInfo entry class: m.M.Settings is not"
                        + " the entry class m.M");
    }

    @Test
    void paramWithoutAnyEntryClassIsRefused() {
        Javac.Source s = source("x.Other", """
                package x;

                public class Other {
                    @io.kmod4j.Param(defaultValue = "1")
                    int count;
                }
                """);
        Javac.Result r = compile(s);
        assertThat(r.errorLines()).containsExactly(s.lineOf("@io.kmod4j.Param") + ": @Param is allowed only on"
                + " fields of the @ModuleInfo entry class: no class in this compilation carries @ModuleInfo");
        assertThat(r.modinfo()).isEmpty();
    }

    @Test
    void finalFieldIsRefused() {
        assertErrors(module("    @Param final int count = 1;"),
                "final int count", "@Param field count must not be final: the runtime sets it at load time");
    }

    @Test
    void staticAndPrivateFieldsAreAccepted() {
        assertThat(parmLines(module("    @Param private static int a;\n    @Param private long b;")))
                .contains("parmfield=a:a\n", "parmfield=b:b\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Integer | java.lang.Integer",
        "char | char",
        "float | float",
        "double | double",
        "int[][] | int[][]",
        "java.util.List<String> | java.util.List<java.lang.String>",
        "Object | java.lang.Object",
        "Boolean[] | java.lang.Boolean[]"})
    void unsupportedFieldTypesAreRefused(String javaType, String shown) {
        assertErrors(module("    @Param " + javaType + " field;"),
                "field;", "@Param field field has type " + shown + ": a parameter is a boolean, byte, short, int,"
                        + " long or String, or a one-dimensional array of one of them");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "boolean | bool | bool",
        "boolean | invbool | invbool",
        "byte | byte | byte",
        "short | short | short",
        "short | ushort | ushort",
        "int | int | int",
        "int | uint | uint",
        "int | hexint | hexint",
        "long | long | long",
        "long | ulong | ulong",
        "String | charp | charp",
        "int[] | uint | array of uint",
        "int[] | array of hexint | array of hexint",
        "short[] | ushort | array of ushort",
        "boolean[] | array of invbool | array of invbool",
        "String[] | array of charp | array of charp"})
    void typeMayNameACompatibleLinuxType(String javaType, String type, String parmtype) {
        assertThat(parmLines(module("    @Param(type = \"" + type + "\") " + javaType + " p;")))
                .contains("parmtype=p:" + parmtype + "\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "long | uint | long | long or ulong",
        "int | ulong | int | int or uint or hexint",
        "int | invbool | int | int or uint or hexint",
        "int | ushort | int | int or uint or hexint",
        "int | charp | int | int or uint or hexint",
        "String | bool | String | charp",
        "byte | ushort | byte | byte",
        "short | byte | short | short or ushort",
        "boolean | int | boolean | bool or invbool",
        "long[] | uint | long[] | long or ulong",
        "int[] | array of ulong | int[] | int or uint or hexint"})
    void typeThatDoesNotFitTheFieldIsRefused(String javaType, String type, String shownField, String takes) {
        assertErrors(module("    @Param(type = \"" + type + "\") " + javaType + " p;"),
                "type =", "type \"" + type + "\" does not fit the " + shownField + " field p, which takes " + takes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"unsigned", "UINT", "' int'", "'int '", "array of", "array of foo",
        "array of array of int"})
    void unknownTypeIsRefused(String type) {
        assertErrors(module("    @Param(type = \"" + type + "\") int[] p;"),
                "type =", "unknown parameter type \"" + type + "\": use one of bool invbool byte short ushort int"
                        + " uint hexint long ulong charp");
    }

    @Test
    void arrayTypeOnAScalarFieldIsRefused() {
        assertErrors(module("    @Param(type = \"array of int\") int p;"),
                "type =", "type \"array of int\" needs an array field, not the int field p");
    }

    @Test
    void nameDefaultsToTheFieldAndMayBeGiven() {
        assertThat(parmLines(module("    @Param int count;\n    @Param(name = \"max_len\") int maxLen;")))
                .isEqualTo("""
                        parm=count:
                        parmtype=count:int
                        parmdefault=count:
                        parmperm=count:0444
                        parmfield=count:count
                        parm=max_len:
                        parmtype=max_len:int
                        parmdefault=max_len:
                        parmperm=max_len:0444
                        parmfield=max_len:maxLen
                        """);
    }

    @Test
    void duplicateNamesAreRefused() {
        assertErrors(module("""
                    @Param int count;
                    @Param(name = "count") int other; // dup
                """),
                "// dup", "parameter name \"count\" is already used by field count");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"a-b", "a.b", "1a", "a:b", "a=b", "a b", "ä"})
    void namesThatAreNotCIdentifiersAreRefused(String name) {
        assertErrors(module("    @Param(name = \"" + name + "\") int p;"),
                "@Param(name", "parameter name \"" + name + "\" is not valid: use a C identifier ([A-Za-z_][A-Za-z0-9_]*)");
    }

    @Test
    void fieldNameThatIsNotACIdentifierNeedsAName() {
        assertErrors(module("    @Param int $count;"),
                "$count", "parameter name \"$count\" is not valid: use a C identifier ([A-Za-z_][A-Za-z0-9_]*),"
                        + " or give one with @Param(name = ...)");
    }

    @Test
    void descriptionAndDefaultMustBeOnOneLine() {
        String rule = " must not contain a line break or NUL: META-INF/kmod4j/modinfo holds one key=value per line";
        assertErrors(module("""
                    @Param(
                        description = "two\\nlines",
                        defaultValue = "a\\rb")
                    String p;
                """),
                "description =", "parameter description" + rule,
                "defaultValue =", "default value" + rule);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0666 | world-writable parameter (perm 0666): Linux refuses parameters anyone may write",
        "0002 | world-writable parameter (perm 0002): Linux refuses parameters anyone may write",
        "01000 | perm 01000 is outside 0..0777",
        "-1 | perm -1 is outside 0..0777",
        "0044 | perm 0044: the group may read but the owner may not",
        "0404 | perm 0404: others may read but the group may not",
        "0464 | perm 0464: the group may write but the owner may not"})
    void permissionsFollowVerifyOctalPermissions(String perm, String message) {
        assertErrors(module("    @Param(\n        perm = " + perm + ")\n    int p;"), "perm =", message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0 | 0000", "0400 | 0400", "0644 | 0644", "0755 | 0755", "0111 | 0111",
        "0660 | 0660", "0444 | 0444"})
    void acceptedPermissionsAreWrittenInOctal(String perm, String written) {
        assertThat(parmLines(module("    @Param(perm = " + perm + ") int p;"))).contains("parmperm=p:" + written + "\n");
    }

    @Test
    void badDefaultPointsAtTheDefault() {
        assertErrors(module("""
                    @Param(description = "d",
                        defaultValue = "300")
                    byte level;
                """),
                "defaultValue =", "default value \"300\" is out of range for byte (0..255)");
    }

    @Test
    void badArrayDefaultNamesTheElement() {
        assertErrors(module("""
                    @Param(
                        defaultValue = "1,x,3")
                    int[] ids;
                """),
                "defaultValue =", "default value \"1,x,3\", element 2: \"x\" is not a valid int (decimal, 0x"
                        + " hexadecimal or 0-prefixed octal)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "boolean | | yes | ",
        "boolean | | maybe | \"maybe\" is not a valid bool (y/n, yes/no, 1/0, on/off, true/false)",
        "boolean | invbool | o | \"o\" is not a valid invbool (y/n, yes/no, 1/0, on/off, true/false)",
        "short | | 32768 | \"32768\" is out of range for short (-32768..32767)",
        "short | ushort | -1 | \"-1\" is not a valid ushort (unsigned: no minus sign)",
        "int | | 2147483648 | \"2147483648\" is out of range for int (-2147483648..2147483647)",
        "int | uint | 4294967296 | \"4294967296\" is out of range for uint (0..4294967295)",
        "int | hexint | 0x100000000 | \"0x100000000\" is out of range for hexint (0..4294967295)",
        "long | | 0x8000000000000000 | \"0x8000000000000000\" is out of range for long"
                + " (-9223372036854775808..9223372036854775807)",
        "long | ulong | 18446744073709551616 | \"18446744073709551616\" is out of range for ulong"
                + " (0..18446744073709551615)",
        "byte | | 08 | \"08\" is not a valid byte (decimal, 0x hexadecimal or 0-prefixed octal)",
        "int[] | | '1,,3' | \"1,,3\", element 2: \"\" is not a valid int (decimal, 0x hexadecimal or 0-prefixed octal)",
        "boolean[] | | 'y,n,' | \"y,n,\", element 3: \"\" is not a valid bool (y/n, yes/no, 1/0, on/off,"
                + " true/false)",
        "String[] | | ',,' | ",
        "String | | ' spaces, commas ' | "})
    void defaultsParseAsInsmodWouldParseThem(String javaType, String type, String value, String problem) {
        String typePart = type == null ? "" : "type = \"" + type + "\", ";
        Javac.Source s = module("    @Param(" + typePart + "defaultValue = \"" + value + "\") " + javaType + " p;");
        Javac.Result r = compile(s);
        if (problem == null) {
            assertThat(r.diagnostics()).isEmpty();
            assertThat(r.modinfo().orElseThrow()).contains("parmdefault=p:" + value + "\n");
        } else {
            assertThat(r.errorLines()).containsExactly(s.lineOf("@Param") + ": default value " + problem);
        }
    }

    @Test
    void everyBadParameterIsReportedAndNoneWritten() {
        assertErrors(module("""
                    @Param(perm = 0666) int a; // a
                    @Param final int b = 0; // b
                    @Param(defaultValue = "x") int c; // c
                """),
                "// a", "world-writable parameter (perm 0666): Linux refuses parameters anyone may write",
                "// b", "@Param field b must not be final: the runtime sets it at load time",
                "// c", "default value \"x\" is not a valid int (decimal, 0x hexadecimal or 0-prefixed octal)");
    }
}
