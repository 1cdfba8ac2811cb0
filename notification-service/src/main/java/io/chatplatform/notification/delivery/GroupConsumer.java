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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>Stopping lets the handlers already running finish (at most {@link #DRAIN_TIMEOUT}) before the stream is
 * cancelled, and starts no new one: a handler cut off halfway would leave its dedupe claim behind without having sent,
 * and the redelivery after the restart would then find the claim and send nothing.
 */
public abstract class GroupConsumer implements SmartLifecycle {

    /** The consumer group of every notification-service instance. */
    public static final String GROUP = "notification-service";

    private static final Logger log = LoggerFactory.getLogger(GroupConsumer.class);
    /** How long stopping waits for running handlers; an SMTP send with its retries fits in it. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaSubscriber kafka;
    private final String topic;
    private final ConsumerSpec spec;
    private final Mono<Void> topicReady;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object drained = new Object();

    protected GroupConsumer(KafkaSubscriber kafka, KafkaTopics topics, String topic) {
        this(kafka, topics, topic, 1);
    }

    /**
     * @param keyLanes a partition's events handled in this many lanes by record key, each key's in order (see
     *                 {@link ConsumerSpec#keyLanes()}); 1: one at a time in offset order
     */
    protected GroupConsumer(KafkaSubscriber kafka, KafkaTopics topics, String topic, int keyLanes) {
        this.kafka = kafka;
        this.topic = topic;
        this.spec = ConsumerSpec.of(GROUP, topic).withKeyLanes(keyLanes);
        // Subscribing to a missing topic would let the broker create it with its default partition count.
        this.topicReady = Mono.defer(() -> topics.ensureTopics(List.of(TopicSpec.platformTopic(topic))));
    }

    /** Handles one event; completes when its effects are stored, so only then is the offset committed. */
    protected abstract Mono<Void> handle(EventEnvelope envelope);

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        consuming = topicReady
                .thenMany(Flux.defer(() -> kafka.consume(spec, this::apply)))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                        .maxBackoff(Duration.ofSeconds(30))
                        .transientErrors(true)
                        .doBeforeRetry(signal -> log.warn("{} consumer stopped, restarting: {}", topic,
                                signal.failure().toString())))
                .subscribe();
        log.info("Consuming {} as group {}", topic, GROUP);
    }

    private Mono<Void> apply(InboundRecord record) {
        return Mono.defer(() -> {
            inFlight.incrementAndGet();
            if (draining) {
                finished();
                // Stopping: left unacknowledged, so uncommitted, for whoever consumes the partition next.
                return Mono.never();
            }
            return decode(record).doFinally(signal -> finished());
        });
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    private Mono<Void> decode(InboundRecord record) {
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
            draining = true;
            awaitRunningHandlers();
            // Cancelling commits the offsets of the events already handled and leaves the group.
            consuming.dispose();
            draining = false;
        }
    }

    /** Called on the thread closing the context, never on an event loop. */
    private void awaitRunningHandlers() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        synchronized (drained) {
            while (inFlight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    log.warn("{} consumer stopping with {} handlers still running; cancelling them",
                            topic, inFlight.get());
                    return;
                }
                try {
                    drained.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
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
