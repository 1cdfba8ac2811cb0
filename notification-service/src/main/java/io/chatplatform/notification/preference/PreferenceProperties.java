package io.chatplatform.notification.preference;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Notification settings under {@code chat.notification.preferences}.
 *
 * @param roomMessagesMaxAge how old the set of users who turned {@code roomMessages} on may be when a room message
 *                           is weighed (it is read again halfway): the longest a user who just turned it on waits for
 *                           every room message on the instances that did not store the change. 0 asks chat-service
 *                           for every member of the room for each room message
 */
@Validated
@ConfigurationProperties("chat.notification.preferences")
public record PreferenceProperties(
        @DefaultValue("1s") @NotNull @DurationMin(millis = 0) @DurationMax(minutes = 1) Duration roomMessagesMaxAge) {
}
