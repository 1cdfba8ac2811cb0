package io.chatplatform.chat.observability;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * chat-service's metrics settings under {@code chat.chat-service.metrics}.
 *
 * @param outboxInterval how often the outbox backlog is counted; each count reads the pending messages, so not often
 */
@Validated
@ConfigurationProperties("chat.chat-service.metrics")
public record MetricsProperties(
        @DefaultValue("10s") @NotNull @DurationMin(millis = 100) Duration outboxInterval) {
}
