package io.kmod4j.modpost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** kstrtobool's words, and Linux's base-0 kstrtoull/kstrtoll character for character. */
class KstrtoTest {

    @ParameterizedTest
    @ValueSource(strings = {"y", "Y", "yes", "YES", "1", "true", "TRUE", "True", "on", "ON", "oN"})
    void kstrtoboolTrue(String s) {
        assertThat(Kstrto.bool(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"n", "N", "no", "No", "0", "false", "FALSE", "off", "OFF", "oFf"})
    void kstrtoboolFalse(String s) {
        assertThat(Kstrto.bool(s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "o", "ox", "maybe", " y", "y ", "+1", "2", "-1", "x",
        // Linux takes these (first letters only); the kmod4j runtime does not, so neither does modpost.
        "t", "f", "e", "d", "enable", "disable", "yellow", "nope", "of", "10", "01"})
    void kstrtoboolInvalid(String s) {
        assertThat(Kstrto.bool(s)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0", "7, 7", "+7, 7", "42, 42", "010, 8", "0x10, 16", "0X1f, 31", "0xDEADbeef, 3735928559",
        "00, 0", "0777, 511", "18446744073709551616, 18446744073709551616"})
    void unsignedParses(String s, String value) {
        assertThat(Kstrto.unsigned(s)).isEqualTo(new Kstrto.Parsed(new BigInteger(value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+", "-1", "++1", " 1", "1 ", "08", "09", "0x", "0xg", "1a", "0x1g", "1e3", "١"})
    void unsignedRejects(String s) {
        assertThat(Kstrto.unsigned(s)).isEqualTo(new Kstrto.Invalid());
    }

    @ParameterizedTest
    @CsvSource({"-1, -1", "-0x10, -16", "-010, -8", "+5, 5", "-0, 0", "-9223372036854775808, -9223372036854775808"})
    void signedParses(String s, String value) {
        assertThat(Kstrto.signed(s)).isEqualTo(new Kstrto.Parsed(new BigInteger(value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-", "--1", "-+1", "+-1", "- 1", "-x"})
    void signedRejects(String s) {
        assertThat(Kstrto.signed(s)).isEqualTo(new Kstrto.Invalid());
    }
}
