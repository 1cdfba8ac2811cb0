package io.chatplatform.moderation;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * moderation-service settings under {@code chat.moderation}; the defaults work on a laptop.
 *
 * @param chatTarget          chat-service's gRPC address ({@code HideMessage}, {@code Membership})
 * @param authTarget          auth-service's gRPC address ({@code SetAccountStatus})
 * @param authServiceSecret   auth-service's {@code chat.auth.service-secret}; empty means blocks cannot be applied
 * @param callTimeout         deadline of one call to chat-service or auth-service
 * @param rulesRefresh        how often the rules are re-read from MongoDB (changes by other instances apply then)
 * @param blockExpiryInterval how often timed blocks that ran out are lifted
 * @param consumerEnabled     whether the {@code chat.messages} consumer starts with the service
 */
@Validated
@ConfigurationProperties("chat.moderation")
public record ModerationProperties(
        @DefaultValue("127.0.0.1:9092") @NotBlank String chatTarget,
        @DefaultValue("127.0.0.1:9091") @NotBlank String authTarget,
        @DefaultValue("") String authServiceSecret,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 10) Duration callTimeout,
        @DefaultValue("2s") @NotNull @DurationMin(millis = 50) Duration rulesRefresh,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 50) Duration blockExpiryInterval,
        @DefaultValue("true") boolean consumerEnabled) {

    @Override
    public String toString() {
        // Never print the secret (actuator, logs, validation messages).
        return "ModerationProperties[chatTarget=" + chatTarget + ", authTarget=" + authTarget
                + ", authServiceSecret=" + (authServiceSecret.isEmpty() ? "unset" : "****") + "]";
    }
}
