package io.chatplatform.chat.user;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The user directory under {@code chat.chat-service.users}.
 *
 * @param consumerEnabled whether the {@code auth.events} consumer starts with the context (off only for tests and
 *                        maintenance: without it blocks and new usernames stop arriving)
 * @param statusCacheTtl  how old the statuses an instance answers from memory may be (the set of blocked users is
 *                        read again halfway): the longest a block takes to reach the instances that did not consume
 *                        its event. 0 reads the user from MongoDB on every check
 */
@Validated
@ConfigurationProperties("chat.chat-service.users")
public record UserDirectoryProperties(
        @DefaultValue("true") boolean consumerEnabled,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 0) @DurationMax(minutes = 1) Duration statusCacheTtl) {
}
