package io.kmod4j.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How parameter values are read and shown: regressions found while fuzzing them (kmod4j-fuzz,
 * ModuleParamsFuzzTest): a value shown must read back to the same value, and no value, however
 * long, may take long to refuse.
 */
class ParamTypeTest {

    @Test
    void aUlongAboveLongMaxShowsUnsignedAndReadsBack() {
        Object max = ParamType.ULONG.parse("18446744073709551615");
        assertThat(ParamType.ULONG.show(max)).isEqualTo("18446744073709551615");
        assertThat(ParamType.ULONG.parse(ParamType.ULONG.show(max))).isEqualTo(max);
        Object high = ParamType.ULONG.parse("0x8000000000000000");
        assertThat(ParamType.ULONG.show(high)).isEqualTo("9223372036854775808");
        assertThat(ParamType.ULONG.show(ParamType.ULONG.parse("42"))).isEqualTo("42");
    }

    @Test
    void aMegabyteOfDigitsIsRefusedAtOnceAsOutOfRange() {
        String huge = "7".repeat(1 << 20);
        long start = System.nanoTime();
        for (ParamType t : new ParamType[] {ParamType.INT, ParamType.ULONG, ParamType.HEXINT}) {
            assertThatThrownBy(() -> t.parse(huge)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("out of range").hasMessageContaining("...");
            assertThatThrownBy(() -> t.parse("0x" + huge)).hasMessageContaining("out of range");
        }
        // BigInteger took about 30 s for one such value on a loaded 2-core machine; the scan takes
        // milliseconds. The bound tells the two apart with room for a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void longRunsOfLeadingZerosStillParseAndLongJunkIsNotANumber() {
        assertThat(ParamType.INT.parse("0".repeat(10_000) + "17")).isEqualTo(15L); // octal, as kstrtoint
        assertThat(ParamType.ULONG.parse("0x" + "0".repeat(10_000) + "ff")).isEqualTo(255L);
        assertThat(ParamType.LONG.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> ParamType.INT.parse("1".repeat(30) + "z")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ParamType.ULONG.parse("1".repeat(23))).hasMessageContaining("out of range");
    }
}
