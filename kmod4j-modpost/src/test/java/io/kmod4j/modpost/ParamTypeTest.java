package io.kmod4j.modpost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which default values each Linux parameter type accepts, at the edges of its range. */
class ParamTypeTest {

    @ParameterizedTest(name = "{0} accepts \"{1}\"")
    @CsvSource({
        "bool, y", "bool, N", "bool, on", "bool, off", "bool, true", "bool, false", "bool, 1", "bool, 0",
        "invbool, Y", "invbool, false",
        "byte, 0", "byte, 255", "byte, 0xff", "byte, 0377", "byte, +1",
        "short, -32768", "short, 32767", "short, -0x8000", "short, 0x7fff",
        "ushort, 0", "ushort, 65535", "ushort, 0xffff",
        "int, -2147483648", "int, 2147483647", "int, 0x7fffffff", "int, -0x80000000", "int, 017777777777",
        "uint, 0", "uint, 4294967295", "uint, 0xffffffff",
        "hexint, 0xffffffff", "hexint, 0XABCDEF", "hexint, 42", "hexint, 0",
        "long, -9223372036854775808", "long, 9223372036854775807", "long, 0x7fffffffffffffff",
        "ulong, 0", "ulong, 18446744073709551615", "ulong, 0xffffffffffffffff",
        "charp, anything at all", "charp, '1,2'", "charp, ''"})
    void accepts(String type, String value) {
        assertThat(ParamType.byLinuxName(type).orElseThrow().problem(value)).isEmpty();
    }

    @ParameterizedTest(name = "{0} refuses \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "bool | maybe | \"maybe\" is not a valid bool (y/n, yes/no, 1/0, on/off, true/false)",
        "bool | '' | \"\" is not a valid bool (y/n, yes/no, 1/0, on/off, true/false)",
        "invbool | 2 | \"2\" is not a valid invbool (y/n, yes/no, 1/0, on/off, true/false)",
        "byte | 256 | \"256\" is out of range for byte (0..255)",
        "byte | -1 | \"-1\" is not a valid byte (unsigned: no minus sign)",
        "byte | 0x100 | \"0x100\" is out of range for byte (0..255)",
        "short | 32768 | \"32768\" is out of range for short (-32768..32767)",
        "short | -32769 | \"-32769\" is out of range for short (-32768..32767)",
        "ushort | 65536 | \"65536\" is out of range for ushort (0..65535)",
        "ushort | -0 | \"-0\" is not a valid ushort (unsigned: no minus sign)",
        "int | 2147483648 | \"2147483648\" is out of range for int (-2147483648..2147483647)",
        "int | -2147483649 | \"-2147483649\" is out of range for int (-2147483648..2147483647)",
        "int | 1.5 | \"1.5\" is not a valid int (decimal, 0x hexadecimal or 0-prefixed octal)",
        "int | 09 | \"09\" is not a valid int (decimal, 0x hexadecimal or 0-prefixed octal)",
        "int | ' 1' | \" 1\" is not a valid int (decimal, 0x hexadecimal or 0-prefixed octal)",
        "int | '' | \"\" is not a valid int (decimal, 0x hexadecimal or 0-prefixed octal)",
        "uint | 4294967296 | \"4294967296\" is out of range for uint (0..4294967295)",
        "uint | -1 | \"-1\" is not a valid uint (unsigned: no minus sign)",
        "hexint | 0x100000000 | \"0x100000000\" is out of range for hexint (0..4294967295)",
        "hexint | ff | \"ff\" is not a valid hexint (decimal, 0x hexadecimal or 0-prefixed octal)",
        "long | 9223372036854775808 | \"9223372036854775808\" is out of range for long"
                + " (-9223372036854775808..9223372036854775807)",
        "long | -9223372036854775809 | \"-9223372036854775809\" is out of range for long"
                + " (-9223372036854775808..9223372036854775807)",
        "ulong | 18446744073709551616 | \"18446744073709551616\" is out of range for ulong"
                + " (0..18446744073709551615)",
        "ulong | 0x10000000000000000 | \"0x10000000000000000\" is out of range for ulong"
                + " (0..18446744073709551615)"})
    void refuses(String type, String value, String problem) {
        assertThat(ParamType.byLinuxName(type).orElseThrow().problem(value)).hasValue(problem);
    }

    @Test
    void everyCarrierHasANaturalTypeOfItsOwn() {
        for (Carrier c : Carrier.values()) {
            assertThat(ParamType.natural(c).carrier()).isEqualTo(c);
        }
        assertThat(ParamType.allNames()).isEqualTo("bool invbool byte short ushort int uint hexint long ulong charp");
    }
}
