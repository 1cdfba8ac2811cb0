package io.chatplatform.notification.email;

import io.chatplatform.notification.delivery.Channel;
import io.chatplatform.notification.delivery.DeadLetters;
import io.chatplatform.notification.delivery.SentNotifications;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Sends one email and accounts for it: listed as sent, or dead-lettered with the reason after its retries. */
@Component
public class EmailDelivery {

    private final Mailer mailer;
    private final DeadLetters deadLetters;
    private final SentNotifications sent;

    EmailDelivery(Mailer mailer, DeadLetters deadLetters, SentNotifications sent) {
        this.mailer = mailer;
        this.deadLetters = deadLetters;
        this.sent = sent;
    }

    /**
     * Where an email comes from, for the dead letter.
     *
     * @param notificationId this notification's id (its dedupe key)
     * @param userId         the recipient
     * @param eventId        the event behind it
     * @param eventType      that event's type
     */
    public record Source(String notificationId, String userId, String eventId, String eventType) {
    }

    /** Completes when the email was sent or dead-lettered; never with an error. */
    public Mono<Void> deliver(Email email, Source source) {
        return mailer.send(email)
                .flatMap(result -> {
                    if (result.sent()) {
                        sent.record(new SentNotifications.Sent(Instant.now(), Channel.EMAIL, source.userId(),
                                email.to(), email.subject(), email.text()));
                        return Mono.empty();
                    }
                    return deadLetters.publish(new DeadLetters.Failure(source.notificationId(), source.userId(),
                            Channel.EMAIL, email.to(), source.eventId(), source.eventType(), result.attempts(),
                            result.lastError(), result.firstAttemptAt(), result.lastAttemptAt()));
                });
    }
}
