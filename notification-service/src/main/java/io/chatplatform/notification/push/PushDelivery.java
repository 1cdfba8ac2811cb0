package io.chatplatform.notification.push;

import io.chatplatform.notification.delivery.Channel;
import io.chatplatform.notification.delivery.DeadLetters;
import io.chatplatform.notification.delivery.NotificationMetrics;
import io.chatplatform.notification.delivery.SentNotifications;
import io.chatplatform.notification.subscription.PushSubscription;
import io.chatplatform.notification.subscription.PushSubscriptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one notification to each of a user's push subscriptions and accounts for each: listed as sent, removed when
 * the push service says it is gone (404/410), dead-lettered with the reason when it failed after its retries.
 */
@Component
public class PushDelivery {

    private static final Logger log = LoggerFactory.getLogger(PushDelivery.class);

    private final WebPushSender sender;
    private final PushSubscriptions subscriptions;
    private final DeadLetters deadLetters;
    private final SentNotifications sent;
    private final NotificationMetrics metrics;
    private final JsonMapper json;

    PushDelivery(WebPushSender sender, PushSubscriptions subscriptions, DeadLetters deadLetters,
                 SentNotifications sent, NotificationMetrics metrics, JsonMapper json) {
        this.sender = sender;
        this.subscriptions = subscriptions;
        this.deadLetters = deadLetters;
        this.sent = sent;
        this.metrics = metrics;
        this.json = json;
    }

    /**
     * What the service worker gets: the JSON {@code payload} (with at least {@code title} and {@code body}) and how
     * urgent it is.
     */
    public record Notification(String title, String body, Map<String, Object> payload, String urgency) {
    }

    /**
     * Where a notification comes from, for the dead letter.
     *
     * @param notificationId this notification's id (its dedupe key); the subscription id is appended per device
     */
    public record Source(String notificationId, String userId, String eventId, String eventType) {
    }

    /** Sends to every subscription of the user, at most four at a time; completes when each is accounted for. */
    public Mono<Void> deliver(Notification notification, Source source) {
        byte[] payload = json.writeValueAsString(notification.payload()).getBytes(StandardCharsets.UTF_8);
        return subscriptions.ofUser(source.userId())
                .flatMap(subscription -> sender.send(subscription, payload, notification.urgency())
                        .flatMap(result -> account(subscription, result, notification, source)), 4)
                .then();
    }

    private Mono<Void> account(PushSubscription subscription, PushResult result, Notification notification,
                               Source source) {
        return switch (result.status()) {
            case SENT -> {
                sent.record(new SentNotifications.Sent(Instant.now(), Channel.PUSH, source.userId(),
                        subscription.id(), notification.title(), notification.body()));
                yield Mono.empty();
            }
            case GONE -> subscriptions.expire(subscription)
                    .doOnNext(removed -> {
                        metrics.count(Channel.PUSH, NotificationMetrics.Outcome.EXPIRED);
                        log.info("Removed push subscription {} of user {}: {}", subscription.id(), source.userId(),
                                result.lastError());
                    })
                    .then();
            case FAILED -> deadLetters.publish(new DeadLetters.Failure(
                    source.notificationId() + ":" + subscription.id(), source.userId(), Channel.PUSH,
                    subscription.id(), source.eventId(), source.eventType(), result.attempts(), result.lastError(),
                    result.firstAttemptAt(), result.lastAttemptAt()));
        };
    }
}
