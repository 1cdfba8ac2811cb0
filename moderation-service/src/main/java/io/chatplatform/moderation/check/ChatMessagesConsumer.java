package io.chatplatform.moderation.check;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.EntryKind;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.MessageEdited;
import io.chatplatform.moderation.ModerationProperties;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.TopicSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
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
 * The asynchronous check: every message and edit on Kafka {@code chat.messages} goes through the rules, and the
 * verdict is acted on ({@link Verdicts}). Messages held for pre-moderation are skipped here: chat-service asks about
 * them through {@code ModerationService.Check}.
 *
 * <p>Consumer group {@code moderation-service}, each partition's records in lanes by conversation (each
 * conversation's in order); offsets are committed after a record was acted on, never past one still being checked,
 * so a crash redelivers, and acting is idempotent (a {@link VerdictRecord} marks what is done; every step of acting
 * is keyed by the message), so a redelivered record counts nothing twice. A record that keeps failing (chat-service or MongoDB
 * down) stops the stream, which restarts from the committed offset with backoff: fail closed, no message unchecked.
 */
@Component
class ChatMessagesConsumer implements SmartLifecycle {

    static final String GROUP = "moderation-service";
    /**
     * Records checked side by side per partition, each conversation's (the record key) in order: a check's time goes
     * to round trips (the verdict record, the announcement), and one at a time per partition this consumer fell
     * behind 400 DMs/s.
     */
    private static final int KEY_LANES = 8;
    private static final Logger log = LoggerFactory.getLogger(ChatMessagesConsumer.class);

    private final KafkaSubscriber kafka;
    private final RulesEngine engine;
    private final Verdicts verdicts;
    private final VerdictRecords records;
    private final ModerationProperties properties;
    private final Clock clock;
    private final Mono<Void> topicReady;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    ChatMessagesConsumer(KafkaSubscriber kafka, KafkaTopics topics, RulesEngine engine, Verdicts verdicts,
            VerdictRecords records, ModerationProperties properties, Optional<Clock> clock) {
        this.kafka = kafka;
        this.engine = engine;
        this.verdicts = verdicts;
        this.records = records;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
        // Subscribing to a missing topic would let the broker create it with its default partition count.
        this.topicReady = Mono.defer(() -> topics.ensureTopics(List.of(
                TopicSpec.platformTopic(Topics.CHAT_MESSAGES))));
    }

    @Override
    public boolean isAutoStartup() {
        return properties.consumerEnabled();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        consuming = topicReady
                .thenMany(Flux.defer(() -> kafka.consume(ConsumerSpec.of(GROUP, Topics.CHAT_MESSAGES)
                        .withKeyLanes(KEY_LANES), this::apply)))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                        .maxBackoff(Duration.ofSeconds(30))
                        .transientErrors(true)
                        .doBeforeRetry(signal -> log.warn("{} consumer stopped, restarting: {}", Topics.CHAT_MESSAGES,
                                signal.failure().toString())))
                .subscribe();
        log.info("Consuming {} as group {}", Topics.CHAT_MESSAGES, GROUP);
    }

    /** Checks one record; completes when the verdict was acted on and recorded. */
    Mono<Void> apply(InboundRecord record) {
        EventEnvelope envelope;
        try {
            envelope = record.value() == null ? null : EventEnvelope.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            // Skipped, not retried: it can never be read, and retrying would stop every message behind it.
            log.warn("Skipping {}-{}@{}: not an event envelope", record.topic(), record.partition(), record.offset());
            return Mono.empty();
        }
        if (envelope == null) {
            return Mono.empty();
        }
        return switch (envelope.getPayloadCase()) {
            case MESSAGE_CREATED -> created(envelope.getMessageCreated().getMessage());
            case MESSAGE_EDITED -> edited(envelope.getMessageEdited());
            default -> Mono.empty();
        };
    }

    private Mono<Void> created(ChatMessage message) {
        if (message.getKind() != EntryKind.ENTRY_KIND_MESSAGE && message.getKind() != EntryKind.ENTRY_KIND_UNSPECIFIED
                || message.getModerationState() == ModerationState.MODERATION_STATE_HELD
                || message.getModerationState() == ModerationState.MODERATION_STATE_HIDDEN
                || message.getDeleted()) {
            return Mono.empty();
        }
        Candidate candidate = new Candidate(message.getMessageId(), message.getConversation(), message.getSeq(),
                message.getSenderUserId(), message.getText(), ModerationEvents.instant(message.getCreatedAt()));
        return check(candidate, message.getMessageId(), true);
    }

    /** An edit is checked like a new text, but not counted again by flood and repeat rules. */
    private Mono<Void> edited(MessageEdited edit) {
        Candidate candidate = new Candidate(edit.getMessageId(), edit.getConversation(), edit.getSeq(),
                edit.getEditorUserId(), edit.getText(), ModerationEvents.instant(edit.getEditedAt()));
        return check(candidate, edit.getMessageId() + "@" + edit.getChangeSeq(), false);
    }

    private Mono<Void> check(Candidate candidate, String fact, boolean count) {
        return records.recorded(fact)
                .flatMap(done -> done ? Mono.empty() : engine.evaluate(candidate, count)
                        .flatMap(evaluation -> verdicts.act(candidate, fact, evaluation, true))
                        .flatMap(outcome -> records.record(record(candidate, fact, outcome))))
                .then();
    }

    private VerdictRecord record(Candidate candidate, String fact, Verdicts.Outcome outcome) {
        return new VerdictRecord(fact, candidate.messageId(), candidate.conversation().getId(),
                candidate.conversation().getKind().name(), candidate.seq(), candidate.senderUserId(), candidate.text(),
                outcome.verdict().name(), outcome.flagId(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && consuming != null) {
            // Cancelling commits the offsets of the records already acted on and leaves the group.
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
