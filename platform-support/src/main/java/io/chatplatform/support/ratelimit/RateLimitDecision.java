package io.chatplatform.support.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one counted attempt.
 *
 * @param allowed    whether the attempt fits in the window
 * @param remaining  attempts left in the current window after this one (0 when refused)
 * @param retryAfter time until the window ends: for a refusal, when to try again; {@link Duration#ZERO} when the
 *                   attempt was allowed without counting (Redis unreachable)
 */
public record RateLimitDecision(boolean allowed, long remaining, Duration retryAfter) {

    public RateLimitDecision {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must not be negative");
        }
    }

    /** Allowed without counting: what the limiter answers when it cannot reach Redis (fail-open). */
    public static RateLimitDecision uncounted() {
        return new RateLimitDecision(true, 0, Duration.ZERO);
    }
}
