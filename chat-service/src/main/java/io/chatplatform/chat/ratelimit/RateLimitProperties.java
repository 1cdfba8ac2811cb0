package io.chatplatform.chat.ratelimit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * chat-service's rate limits under {@code chat.chat-service.rate-limit}.
 *
 * @param enabled whether limits are checked at all (off for load tests that measure the pipeline, not the limit)
 * @param send    messages one user may send to one conversation
 */
@Validated
@ConfigurationProperties("chat.chat-service.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue @Valid @NotNull Window send) {

    /**
     * A fixed window: at most {@code limit} attempts per {@code window}, which starts with the first attempt.
     *
     * @param limit  attempts allowed per window
     * @param window length of the window
     */
    public record Window(
            @DefaultValue("30") @Min(1) @Max(100_000) int limit,
            @DefaultValue("10s") @NotNull @DurationMin(seconds = 1) @DurationMax(hours = 24) Duration window) {
    }
}
