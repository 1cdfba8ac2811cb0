package io.chatplatform.moderation.events;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Publishes on Kafka {@code moderation.events}. Event ids of automatic verdicts are derived from the message, so a
 * verdict acted on twice (a redelivered {@code chat.messages} record) publishes events consumers recognise as the
 * same and drop.
 */
@Component
public class ModerationEvents {

    /** The producer name in every envelope. */
    public static final String PRODUCER = "moderation-service";

    private final KafkaPublisher kafka;
    private final Mono<Void> topicReady;

    ModerationEvents(KafkaPublisher kafka, KafkaTopics topics) {
        this.kafka = kafka;
        this.topicReady = Mono.defer(() -> topics.ensureTopics(List.of(
                TopicSpec.platformTopic(Topics.MODERATION_EVENTS)))).cache();
    }

    /**
     * Publishes one event; completes once the broker has it.
     *
     * @param eventId the event id ({@link #derivedId} for automatic verdicts, {@link #newId} otherwise)
     * @param key     the partition key: the affected user or conversation
     * @param payload sets the payload on the envelope builder
     */
    public Mono<Void> publish(String eventId, String key, Instant occurredAt,
            UnaryOperator<EventEnvelope.Builder> payload) {
        EventEnvelope.Builder builder = payload.apply(EventEnvelope.newBuilder()
                .setEventId(eventId)
                .setOccurredAt(timestamp(occurredAt))
                .setProducer(PRODUCER)
                .setPartitionKey(key));
        EventEnvelope envelope = builder.setType(EventTypes.of(builder.getPayloadCase())).build();
        return topicReady.then(kafka.send(OutboundRecord.of(Topics.MODERATION_EVENTS, key, envelope.toByteArray())))
                .then();
    }

    /** The same id for the same fact, however often it is acted on. */
    public static String derivedId(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * A random id for events, audit entries and rules. From {@link java.util.concurrent.ThreadLocalRandom}:
     * {@link UUID#randomUUID()} reads {@code SecureRandom}, which may block on an event loop, and these ids are
     * identifiers, not secrets.
     */
    public static String newId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
