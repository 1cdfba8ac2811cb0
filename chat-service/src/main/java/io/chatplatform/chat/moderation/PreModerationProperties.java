package io.chatplatform.chat.moderation;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Pre-moderation under {@code chat.chat-service.pre-moderation}: how held messages get their verdict.
 *
 * @param enabled       whether held messages are checked at all (off only for maintenance: they then stay held)
 * @param target        moderation-service's gRPC address, {@code host:port}
 * @param timeout       deadline of one ModerationService.Check call
 * @param onFailure     what a failed or timed-out check does: {@link FailurePolicy#HOLD} (fail-closed, the default)
 *                      keeps the message held and asks again on a later sweep; {@link FailurePolicy#RELEASE}
 *                      (fail-open) releases it unchecked
 * @param sweepInterval how often held messages without a verdict are looked for (after a crash, a restart, or a
 *                      failed check)
 * @param recheckAfter  a held message is swept only once it has waited this long, so the sweep does not race the
 *                      check made right after the send
 * @param reviewRecheckAfter a message held for a moderator's review is asked about again once its verdict is this
 *                      old: the review's decision reaches chat-service as a Kafka event, and should that event be
 *                      lost, Check answers with the decision and the sweep acts on it
 * @param concurrency   checks in flight at once
 * @param verdictsConsumerEnabled whether the consumer of later verdicts ({@code moderation.verdict} on Kafka
 *                      {@code moderation.events}: reviews, the asynchronous check) starts with the service; off only
 *                      for tests and maintenance (held messages approved on review then stay held)
 */
@Validated
@ConfigurationProperties("chat.chat-service.pre-moderation")
public record PreModerationProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1:9093") @NotBlank String target,
        @DefaultValue("2s") @NotNull @DurationMin(millis = 10) Duration timeout,
        @DefaultValue("HOLD") @NotNull FailurePolicy onFailure,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 10) Duration sweepInterval,
        @DefaultValue("10s") @NotNull Duration recheckAfter,
        @DefaultValue("5m") @NotNull @DurationMin(seconds = 1) Duration reviewRecheckAfter,
        @DefaultValue("16") @Min(1) @Max(1000) int concurrency,
        @DefaultValue("true") boolean verdictsConsumerEnabled) {

    /** What happens to a held message when moderation-service cannot answer in time. */
    public enum FailurePolicy {
        /** Fail-closed: the message stays held until a verdict arrives. */
        HOLD,
        /** Fail-open: the message is released unchecked. */
        RELEASE
    }
}
