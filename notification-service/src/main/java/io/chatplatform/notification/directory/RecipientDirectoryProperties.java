package io.chatplatform.notification.directory;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The recipient directory under {@code chat.notification.directory}.
 *
 * @param statusMaxAge how old the set of blocked users an instance answers "is this sender blocked?" from may be (it
 *                     is read again halfway): the longest a block takes to stop notifications about the user's
 *                     messages on the instances that did not consume its event. 0 reads the sender every time
 */
@Validated
@ConfigurationProperties("chat.notification.directory")
public record RecipientDirectoryProperties(
        @DefaultValue("1s") @NotNull @DurationMin(millis = 0) @DurationMax(minutes = 1) Duration statusMaxAge) {
}
