package io.chatplatform.notification.delivery;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A Kafka topic consumed by group {@code notification-service}: the instances share its partitions, so each event
 * is handled by one instance. A new group starts at the earliest record. Offsets are committed after the handler
 * completed (at least once; the handlers dedupe). A handler that keeps failing stops the stream with its record
 * uncommitted and the stream restarts from the committed offsets with backoff: fail closed, nothing is skipped.
 * Payloads are never logged (auth events carry one-time tokens).
 */
public abstract class GroupConsumer implements SmartLifecycle {

    /** The consumer group of every notification-service instance. */
    public static final String GROUP = "notification-service";

    private static final Logger log = LoggerFactory.getLogger(GroupConsumer.class);
    /** As the producing services create them; whoever starts first creates the topic. */
    private static final int PARTITIONS = 3;

    private final KafkaSubscriber kafka;
    private final String topic;
    private final Mono<Void> topicReady;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    protected GroupConsumer(KafkaSubscriber kafka, KafkaTopics topics, String topic) {
        this.kafka = kafka;
        this.topic = topic;
        // Subscribing to a missing topic would let the broker create it with its default partition count.
        this.topicReady = Mono.defer(() -> topics.ensureTopics(List.of(TopicSpec.of(topic, PARTITIONS, 1))));
    }

    /** Handles one event; completes when its effects are stored, so only then is the offset committed. */
    protected abstract Mono<Void> handle(EventEnvelope envelope);

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        consuming = topicReady
                .thenMany(Flux.defer(() -> kafka.consume(ConsumerSpec.of(GROUP, topic), this::apply)))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                        .maxBackoff(Duration.ofSeconds(30))
                        .transientErrors(true)
                        .doBeforeRetry(signal -> log.warn("{} consumer stopped, restarting: {}", topic,
                                signal.failure().toString())))
                .subscribe();
        log.info("Consuming {} as group {}", topic, GROUP);
    }

    private Mono<Void> apply(InboundRecord record) {
        if (record.value() == null) {
            return Mono.empty();
        }
        try {
            return handle(EventEnvelope.parseFrom(record.value()));
        } catch (InvalidProtocolBufferException e) {
            // Can never be handled: skipped, or it would hold up every event behind it.
            log.warn("Skipping {}-{}@{}: not an event envelope", record.topic(), record.partition(), record.offset());
            return Mono.empty();
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && consuming != null) {
            // Cancelling commits the offsets of the events already handled and leaves the group.
            consuming.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        // Stops before the web server and the Kafka client it uses.
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
