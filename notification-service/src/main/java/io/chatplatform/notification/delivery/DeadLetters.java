package io.chatplatform.notification.delivery;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.NotificationDeadLettered;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Publishes notifications that failed after their retries to Kafka {@code notification.dead-letter} (key = user). */
@Component
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaPublisher kafka;
    private final NotificationMetrics metrics;
    private final Mono<Void> topicReady;

    public DeadLetters(KafkaPublisher kafka, KafkaTopics topics, NotificationMetrics metrics) {
        this.kafka = kafka;
        this.metrics = metrics;
        this.topicReady = Mono.defer(() -> topics.ensureTopics(List.of(
                        TopicSpec.platformTopic(Topics.NOTIFICATION_DEAD_LETTER))))
                .cache(done -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO,
                        () -> Duration.ofMillis(Long.MAX_VALUE));
    }

    /** What gave up, where, after how many tries and why. */
    public record Failure(String notificationId, String userId, Channel channel, String destination,
                          String sourceEventId, String sourceEventType, int attempts, String lastError,
                          Instant firstAttemptAt, Instant lastAttemptAt) {
    }

    /**
     * Publishes the failure; completes when Kafka has it. If Kafka cannot take it either, the error is logged and
     * swallowed: the notification is lost either way, and failing here would redeliver (and resend) the source event.
     */
    public Mono<Void> publish(Failure failure) {
        log.warn("Dead-lettering {} notification {} for user {} after {} attempts: {}", failure.channel().tag(),
                failure.notificationId(), failure.userId(), failure.attempts(), truncate(failure.lastError()));
        // A random event id draws on SecureRandom, which may read /dev/urandom: not on an event loop.
        return Mono.fromCallable(() -> envelope(failure))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(envelope -> topicReady.then(kafka.send(new OutboundRecord(
                        Topics.NOTIFICATION_DEAD_LETTER, failure.userId(), envelope.toByteArray(),
                        Map.of("event-type", envelope.getType())))))
                .doOnNext(sent -> metrics.count(failure.channel(), NotificationMetrics.Outcome.DEAD_LETTERED))
                .onErrorResume(error -> {
                    log.error("Could not dead-letter notification {}: {}", failure.notificationId(), error.toString());
                    return Mono.empty();
                })
                .then();
    }

    private static EventEnvelope envelope(Failure failure) {
        return EventEnvelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setType(EventTypes.NOTIFICATION_DEAD_LETTERED)
                .setOccurredAt(timestamp(failure.lastAttemptAt()))
                .setProducer("notification-service")
                .setPartitionKey(failure.userId())
                .setCausationId(failure.sourceEventId())
                .setNotificationDeadLettered(NotificationDeadLettered.newBuilder()
                        .setNotificationId(failure.notificationId())
                        .setUserId(failure.userId())
                        .setChannel(failure.channel().proto())
                        .setDestination(failure.destination())
                        .setSourceEventId(failure.sourceEventId())
                        .setSourceEventType(failure.sourceEventType())
                        .setAttempts(failure.attempts())
                        .setLastError(truncate(failure.lastError()))
                        .setFirstAttemptAt(timestamp(failure.firstAttemptAt()))
                        .setLastAttemptAt(timestamp(failure.lastAttemptAt())))
                .build();
    }

    private static String truncate(String error) {
        String text = error == null ? "unknown error" : error;
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
