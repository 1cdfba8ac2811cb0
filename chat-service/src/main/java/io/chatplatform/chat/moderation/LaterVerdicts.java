package io.chatplatform.chat.moderation;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.chat.message.MessageModeration;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.ModerationVerdict;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.TopicSpec;
import io.chatplatform.support.problem.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Acts on verdicts that come after the send, from Kafka {@code moderation.events}: a moderator's review (approve or
 * dismiss) and the asynchronous check of post-moderated messages announce {@code moderation.verdict} ALLOW, which
 * releases a held message to everyone or marks a post-moderated one approved ({@link MessageModeration#allow}).
 * HIDE verdicts need nothing here: moderation-service hides through {@code ChatService.HideMessage} before it
 * announces them.
 *
 * <p>Consumer group {@value #GROUP}: the instances share the partitions, each verdict is applied by one of them,
 * each partition's in lanes by conversation. Offsets are committed after a verdict and every one before it were
 * applied (at least once); applying one again changes nothing, since
 * release and approval only change a message that is still held or pending.
 */
@Component
class LaterVerdicts implements SmartLifecycle {

    static final String GROUP = "chat-service-verdicts";
    /**
     * Verdicts applied side by side per partition, each conversation's (the record key) in order: with one at a time
     * per partition at most a partition count of approvals were ever in flight, too few to share a write
     * ({@code MessageStore.approve}).
     */
    private static final int KEY_LANES = 8;

    private static final Logger log = LoggerFactory.getLogger(LaterVerdicts.class);

    private final KafkaSubscriber kafka;
    private final MessageModeration moderation;
    private final PreModerationProperties properties;
    private final Mono<Void> topicReady;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    LaterVerdicts(KafkaSubscriber kafka, KafkaTopics topics, MessageModeration moderation,
                  PreModerationProperties properties) {
        this.kafka = kafka;
        this.moderation = moderation;
        this.properties = properties;
        // Subscribing to a missing topic would let the broker auto-create it with its default partition count.
        this.topicReady = Mono.defer(() -> topics.ensureTopics(List.of(
                TopicSpec.platformTopic(Topics.MODERATION_EVENTS))));
    }

    @Override
    public boolean isAutoStartup() {
        return properties.verdictsConsumerEnabled();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        consuming = topicReady
                .thenMany(Flux.defer(() -> kafka.consume(ConsumerSpec.of(GROUP, Topics.MODERATION_EVENTS)
                        .withKeyLanes(KEY_LANES), this::apply)))
                // Fail closed, with backoff: a verdict that could not be applied (MongoDB down) is redelivered from
                // the committed offset rather than skipped, which would leave its message held.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                        .maxBackoff(Duration.ofSeconds(30))
                        .transientErrors(true)
                        .doBeforeRetry(signal -> log.warn("{} consumer stopped, restarting: {}",
                                Topics.MODERATION_EVENTS, signal.failure().toString())))
                .subscribe();
        log.info("Consuming {} as group {}", Topics.MODERATION_EVENTS, GROUP);
    }

    /** Applies one record; completes when the verdict is stored, so the offset is committed only then. */
    Mono<Void> apply(InboundRecord record) {
        EventEnvelope envelope;
        try {
            envelope = record.value() == null ? null : EventEnvelope.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            log.warn("Skipping {}-{}@{}: not an event envelope", record.topic(), record.partition(), record.offset());
            return Mono.empty();
        }
        if (envelope == null || envelope.getPayloadCase() != EventEnvelope.PayloadCase.MODERATION_VERDICT
                || envelope.getModerationVerdict().getVerdict() != Verdict.VERDICT_ALLOW) {
            return Mono.empty();
        }
        ModerationVerdict verdict = envelope.getModerationVerdict();
        return moderation.allow(verdict.getConversation().getId(), verdict.getMessageId())
                .doOnNext(outcome -> log.debug("ALLOW for message {}: {}", verdict.getMessageId(), outcome))
                // A verdict naming no valid message can never apply; retrying it would stop every verdict behind it.
                .onErrorResume(ApiException.class, invalid -> {
                    log.warn("Skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                            invalid.getMessage());
                    return Mono.empty();
                })
                .then();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && consuming != null) {
            // Cancelling commits the offsets of the verdicts already applied and leaves the group.
            consuming.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
