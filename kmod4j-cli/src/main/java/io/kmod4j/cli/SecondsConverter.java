package io.kmod4j.cli;

import java.math.BigDecimal;
import java.time.Duration;
import picocli.CommandLine;

/** Converts {@code SECONDS} options ({@code 10}, {@code 0.5}) to a {@link Duration}; not negative. */
final class SecondsConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        BigDecimal s;
        try {
            s = new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number of seconds");
        }
        if (s.signum() < 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is negative");
        }
        if (s.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is more than 10^9 seconds");
        }
        return Duration.ofNanos(s.movePointRight(9).longValue());
    }
}
