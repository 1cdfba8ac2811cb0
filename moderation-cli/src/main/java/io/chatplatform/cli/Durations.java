package io.chatplatform.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/** Durations on the command line: {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})([smhd])");

    @Override
    public Duration convert(String value) {
        Matcher matcher = SYNTAX.matcher(value.strip());
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration such as 90s, 15m, 2h or 7d");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (duration.isZero()) {
            throw new CommandLine.TypeConversionException("the duration must be longer than 0");
        }
        return duration;
    }
}
