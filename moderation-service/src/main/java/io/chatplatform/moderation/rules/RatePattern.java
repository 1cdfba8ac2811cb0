package io.chatplatform.moderation.rules;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pattern of a flood or repeat rule: {@code "N"} (per minute) or {@code "N/<window>"} with the window in
 * seconds, minutes or hours ({@code "5/10s"}, {@code "3/5m"}, {@code "100/1h"}).
 *
 * @param limit  messages allowed in the window; one more matches
 * @param window the sliding window
 */
public record RatePattern(int limit, Duration window) {

    private static final Pattern SYNTAX = Pattern.compile("\\s*(\\d{1,6})\\s*(?:/\\s*(\\d{1,6})\\s*([smh]))?\\s*");
    static final Duration MAX_WINDOW = Duration.ofDays(1);

    /** Parses the pattern; {@link IllegalArgumentException} with a message for people when it is not valid. */
    public static RatePattern parse(String pattern) {
        Matcher matcher = SYNTAX.matcher(pattern == null ? "" : pattern);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("pattern must be \"N\" or \"N/<window>\" such as \"5/10s\", \"3/5m\"");
        }
        int limit = Integer.parseInt(matcher.group(1));
        Duration window = Duration.ofMinutes(1);
        if (matcher.group(2) != null) {
            long amount = Long.parseLong(matcher.group(2));
            window = switch (matcher.group(3)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (limit < 1) {
            throw new IllegalArgumentException("the message limit must be at least 1");
        }
        if (window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("the window must be between 1s and 24h");
        }
        return new RatePattern(limit, window);
    }
}
