package io.chatplatform.notification.preference;

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
 * Notification settings under {@code chat.notification.preferences}.
 *
 * @param roomMessagesMaxAge how old the set of users who turned {@code roomMessages} on may be when a room message
 *                           is weighed (it is read again halfway): the longest a user who just turned it on waits for
 *                           every room message on the instances that did not store the change. 0 asks chat-service
 *                           for every member of the room for each room message
 * @param cacheMaxAge        how long a recipient's settings and whether they have a push subscription are kept in
 *                           memory for the next message to them; a change is announced to every instance at once
 *                           (Redis), so this only bounds how long a change an instance did not hear of goes unseen.
 *                           0 reads them for every message
 * @param cacheSize          the most recipients kept in memory
 */
@Validated
@ConfigurationProperties("chat.notification.preferences")
public record PreferenceProperties(
        @DefaultValue("1s") @NotNull @DurationMin(millis = 0) @DurationMax(minutes = 1) Duration roomMessagesMaxAge,
        @DefaultValue("1m") @NotNull @DurationMin(millis = 0) @DurationMax(hours = 1) Duration cacheMaxAge,
        @DefaultValue("100000") @Min(1) @Max(10_000_000) int cacheSize) {
}
