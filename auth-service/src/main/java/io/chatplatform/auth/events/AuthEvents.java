package io.chatplatform.auth.events;

import com.google.protobuf.Timestamp;
import io.chatplatform.auth.OpaqueTokens;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.TopicSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Publishes auth events to {@code auth.events} as {@link EventEnvelope} bytes, keyed by user id.
 *
 * <p>Policy: events are published after the change is stored, and the HTTP answer does not wait for the broker. A
 * Kafka outage therefore delays nothing the user sees, but an event whose send fails is logged and lost (there is no
 * outbox in auth-service yet). Never logs payloads: some carry one-time tokens.
 */
@Component
public class AuthEvents {

    private static final Logger log = LoggerFactory.getLogger(AuthEvents.class);
    private static final String PRODUCER = "auth-service";

    private final KafkaPublisher publisher;
    private final KafkaTopics topics;
    private final Clock clock;

    AuthEvents(KafkaPublisher publisher, KafkaTopics topics, Clock clock) {
        this.publisher = publisher;
        this.topics = topics;
        this.clock = clock;
    }

    /** Creates {@code auth.events} if missing (3 partitions, as user events need per-user order only). */
    public Mono<Void> ensureTopic() {
        return topics.ensureTopics(List.of(TopicSpec.platformTopic(Topics.AUTH_EVENTS)));
    }

    /**
     * Sends in the background. The builder gets the envelope with id, time, producer and key already set; it adds
     * the payload, and the type is derived from the payload case.
     */
    public void publish(String userId, java.util.function.UnaryOperator<EventEnvelope.Builder> payload) {
        EventEnvelope.Builder builder = EventEnvelope.newBuilder()
                .setEventId(OpaqueTokens.randomUuid().toString())
                .setOccurredAt(timestamp(clock.instant()))
                .setProducer(PRODUCER)
                .setPartitionKey(userId);
        EventEnvelope envelope = payload.apply(builder).build();
        EventEnvelope complete = envelope.toBuilder()
                .setType(EventTypes.of(envelope.getPayloadCase()))
                .build();
        OutboundRecord record = new OutboundRecord(Topics.AUTH_EVENTS, userId, complete.toByteArray(),
                Map.of("event-type", complete.getType()));
        publisher.send(record)
                .subscribe(
                        position -> log.debug("Published {} {}", complete.getType(), complete.getEventId()),
                        // Fail-open for the request (it already succeeded), lost event: see the class comment.
                        error -> log.error("Could not publish {} {} for user {}: {}", complete.getType(),
                                complete.getEventId(), userId, error.toString()));
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
