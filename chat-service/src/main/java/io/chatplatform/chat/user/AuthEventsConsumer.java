package io.chatplatform.chat.user;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.events.AccountStatusChanged;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.UserRegistered;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * Feeds the user directory from Kafka {@code auth.events}: {@code user.registered} records the username,
 * {@code user.status-changed} the status. The other auth events (email verification, password reset, sessions) are
 * not chat-service's and are skipped; some carry one-time tokens, so payloads are never logged.
 *
 * <p>Consumer group {@code chat-service}: the instances of chat-service share the partitions, so each event is
 * applied by one instance, which also updates its own status cache at once; the others pick the change up from
 * MongoDB when their cache entries expire. A new group starts at the earliest record, so a fresh database is filled
 * from the retained history. Offsets are committed after an event was stored (at least once; applying an event again
 * changes nothing).
 *
 * <p>Started and stopped with the context ({@code chat.chat-service.users.consumer-enabled}).
 */
@Component
public class AuthEventsConsumer implements SmartLifecycle {

    /** The consumer group every chat-service instance joins. */
    public static final String GROUP = "chat-service";

    private static final Logger log = LoggerFactory.getLogger(AuthEventsConsumer.class);
    private static final Duration RESTART_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(30);

    private final KafkaSubscriber kafka;
    private final UserStore store;
    private final UserDirectory directory;
    private final UserDirectoryProperties properties;
    private final Mono<Void> topicReady;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    AuthEventsConsumer(KafkaSubscriber kafka, KafkaTopics topics, UserStore store, UserDirectory directory,
            UserDirectoryProperties properties) {
        this.kafka = kafka;
        this.store = store;
        this.directory = directory;
        this.properties = properties;
        // Subscribing to a missing topic would let the broker auto-create it with its default partition count.
        this.topicReady = Mono.defer(() -> topics.ensureTopics(List.of(
                TopicSpec.platformTopic(Topics.AUTH_EVENTS))));
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
                .thenMany(Flux.defer(() -> kafka.consume(ConsumerSpec.of(GROUP, Topics.AUTH_EVENTS), this::apply)))
                .retryWhen(restartAfterFailure())
                .subscribe();
        log.info("Consuming {} as group {}", Topics.AUTH_EVENTS, GROUP);
    }

    /**
     * A handler that keeps failing (MongoDB down) ends the stream with its record uncommitted; starting again from
     * the committed offsets redelivers it. Fail closed, with backoff: skipping it could lose a block.
     */
    private Retry restartAfterFailure() {
        return Retry.backoff(Long.MAX_VALUE, RESTART_BACKOFF)
                .maxBackoff(MAX_RESTART_BACKOFF)
                // The backoff starts over once records flow again.
                .transientErrors(true)
                .doBeforeRetry(signal -> log.warn("{} consumer stopped, restarting: {}", Topics.AUTH_EVENTS,
                        signal.failure().toString()));
    }

    @Override
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        Disposable current = consuming;
        if (current != null) {
            // Cancelling commits the offsets of the events already applied and leaves the group.
            current.dispose();
        }
        log.info("Stopped consuming {}", Topics.AUTH_EVENTS);
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        // Stops before the web server and the Kafka client it uses, like the outbox relay.
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    /** Applies one record; completes when the result is stored, so the offset is committed only then. */
    Mono<Void> apply(InboundRecord record) {
        EventEnvelope envelope = parse(record);
        if (envelope == null) {
            return Mono.empty();
        }
        return switch (envelope.getPayloadCase()) {
            case USER_REGISTERED -> registered(envelope.getUserRegistered(), record);
            case ACCOUNT_STATUS_CHANGED -> statusChanged(envelope.getAccountStatusChanged(), record);
            default -> Mono.empty();
        };
    }

    private Mono<Void> registered(UserRegistered event, InboundRecord record) {
        if (event.getUserId().isEmpty() || !Mentions.USERNAME.matcher(event.getUsername()).matches()) {
            return skip(record, "user.registered without a user id or a valid username");
        }
        return store.register(event.getUserId(), event.getUsername())
                .doOnNext(directory::remember)
                .then();
    }

    private Mono<Void> statusChanged(AccountStatusChanged event, InboundRecord record) {
        String status = status(event.getStatus());
        if (event.getUserId().isEmpty() || status == null) {
            return skip(record, "user.status-changed without a user id or a known status");
        }
        return store.changeStatus(event.getUserId(), status, instant(event.getChangedAt()))
                .doOnNext(directory::remember)
                .then();
    }

    private static String status(AccountStatus status) {
        return switch (status) {
            case ACCOUNT_STATUS_ACTIVE -> DirectoryUser.ACTIVE;
            case ACCOUNT_STATUS_BLOCKED -> DirectoryUser.BLOCKED;
            default -> null;
        };
    }

    /**
     * MongoDB keeps milliseconds: compare in milliseconds too, or a replayed event (nanoseconds) would look newer
     * than the change it already stored.
     */
    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos())
                .truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * A record that can never be applied is skipped, not retried: retrying would stop every user's events behind it.
     * Logged by position only (payloads may hold secrets).
     */
    private static EventEnvelope parse(InboundRecord record) {
        try {
            return record.value() == null ? null : EventEnvelope.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            log.warn("Skipping {}-{}@{}: not an event envelope", record.topic(), record.partition(), record.offset());
            return null;
        }
    }

    private static Mono<Void> skip(InboundRecord record, String reason) {
        log.warn("Skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        return Mono.empty();
    }
}
