package io.chatplatform.notification.directory;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.events.AccountStatusChanged;
import io.chatplatform.contracts.events.EmailVerificationRequested;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.PasswordResetRequested;
import io.chatplatform.contracts.events.UserRegistered;
import io.chatplatform.notification.delivery.Channel;
import io.chatplatform.notification.delivery.Dedupe;
import io.chatplatform.notification.delivery.GroupConsumer;
import io.chatplatform.notification.delivery.NotificationMetrics;
import io.chatplatform.notification.email.AuthEmails;
import io.chatplatform.notification.email.Email;
import io.chatplatform.notification.email.EmailDelivery;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Kafka {@code auth.events}: registrations and status changes feed the {@link RecipientDirectory} (names, addresses,
 * blocked users); email verification and password reset requests are emailed at once, each once per event.
 */
@Component
class AuthEventsConsumer extends GroupConsumer {

    private static final Logger log = LoggerFactory.getLogger(AuthEventsConsumer.class);

    private final RecipientDirectory directory;
    private final AuthEmails emails;
    private final EmailDelivery delivery;
    private final Dedupe dedupe;
    private final NotificationMetrics metrics;

    AuthEventsConsumer(KafkaSubscriber kafka, KafkaTopics topics, RecipientDirectory directory, AuthEmails emails,
                       EmailDelivery delivery, Dedupe dedupe, NotificationMetrics metrics) {
        super(kafka, topics, Topics.AUTH_EVENTS);
        this.directory = directory;
        this.emails = emails;
        this.delivery = delivery;
        this.dedupe = dedupe;
        this.metrics = metrics;
    }

    @Override
    protected Mono<Void> handle(EventEnvelope envelope) {
        return switch (envelope.getPayloadCase()) {
            case USER_REGISTERED -> registered(envelope.getUserRegistered());
            case ACCOUNT_STATUS_CHANGED -> statusChanged(envelope.getAccountStatusChanged());
            case EMAIL_VERIFICATION_REQUESTED -> verification(envelope);
            case PASSWORD_RESET_REQUESTED -> passwordReset(envelope);
            default -> Mono.empty();
        };
    }

    private Mono<Void> registered(UserRegistered event) {
        if (event.getUserId().isEmpty()) {
            return Mono.empty();
        }
        return directory.remember(event.getUserId(), event.getUsername(), event.getDisplayName(), event.getEmail(),
                event.getLocale()).then();
    }

    private Mono<Void> statusChanged(AccountStatusChanged event) {
        if (event.getUserId().isEmpty() || event.getStatus() == AccountStatus.ACCOUNT_STATUS_UNSPECIFIED) {
            return Mono.empty();
        }
        return directory.changeStatus(event.getUserId(), event.getStatus() == AccountStatus.ACCOUNT_STATUS_BLOCKED,
                instant(event.getChangedAt()));
    }

    private Mono<Void> verification(EventEnvelope envelope) {
        EmailVerificationRequested event = envelope.getEmailVerificationRequested();
        return accountEmail(envelope, event.getUserId(), event.getEmail(), event.getExpiresAt(),
                directory.remember(event.getUserId(), null, event.getDisplayName(), event.getEmail(),
                                event.getLocale())
                        .map(recipient -> emails.verification(event.getEmail(), recipient.name(), event.getToken())));
    }

    private Mono<Void> passwordReset(EventEnvelope envelope) {
        PasswordResetRequested event = envelope.getPasswordResetRequested();
        return accountEmail(envelope, event.getUserId(), event.getEmail(), event.getExpiresAt(),
                directory.remember(event.getUserId(), null, event.getDisplayName(), null, event.getLocale())
                        .map(recipient -> emails.passwordReset(event.getEmail(), recipient.name(),
                                event.getToken())));
    }

    /**
     * Sends an account email once per event: a redelivered event finds its dedupe key and sends nothing. A link that
     * has expired already is not sent (a late redelivery after an outage).
     */
    private Mono<Void> accountEmail(EventEnvelope envelope, String userId, String address, Timestamp expiresAt,
                                    Mono<Email> email) {
        if (userId.isEmpty() || address.isBlank()) {
            log.warn("Skipping {} {}: no user or address", envelope.getType(), envelope.getEventId());
            return Mono.empty();
        }
        if (expiresAt.getSeconds() > 0 && instant(expiresAt).isBefore(Instant.now())) {
            log.info("Skipping {} {}: its link has expired", envelope.getType(), envelope.getEventId());
            return Mono.empty();
        }
        String notificationId = envelope.getEventId() + ":" + userId + ":email";
        return dedupe.claim(envelope.getEventId(), userId + ":email")
                .flatMap(first -> {
                    if (!first) {
                        metrics.count(Channel.EMAIL, NotificationMetrics.Outcome.DEDUPLICATED);
                        return Mono.empty();
                    }
                    return email.flatMap(ready -> delivery.deliver(ready, new EmailDelivery.Source(notificationId,
                                    userId, envelope.getEventId(), envelope.getType())))
                            // Not sent and not dead-lettered (MongoDB failed): let the redelivery try again.
                            .onErrorResume(error -> dedupe.release(envelope.getEventId(), userId + ":email")
                                    .then(Mono.error(error)));
                });
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).truncatedTo(ChronoUnit.MILLIS);
    }
}
