package io.chatplatform.chat.retention;

import io.chatplatform.chat.ChatProperties;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.message.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Enforces rooms' retention periods: every {@code chat.chat-service.retention.interval}, removes each room's entries
 * older than its {@code retentionDays}. A scheduled job rather than a TTL index, so it runs the same on MongoDB and on
 * the embedded wire server, and so it can keep what a TTL index could not (the newest entry, unpublished events).
 * Several instances may purge at once: every step is an idempotent delete or update.
 */
@Component
public class RetentionPurge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);
    private static final int CONCURRENCY = 4;

    private final ConversationStore conversations;
    private final MessageStore messages;
    private final ChatProperties.Retention properties;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable schedule;

    RetentionPurge(ConversationStore conversations, MessageStore messages, ChatProperties properties,
                   Optional<Clock> clock) {
        this.conversations = conversations;
        this.messages = messages;
        this.properties = properties.retention();
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * One pass: every room with a retention period loses its expired entries, and deleted rooms (once their
     * {@code room.deleted} is published) lose everything. Emits how many entries it removed or emptied.
     */
    public Mono<Long> purgeOnce() {
        return expired().zipWith(deletedRooms(), Long::sum);
    }

    private Mono<Long> deletedRooms() {
        return conversations.deletedAndPublished()
                .concatMap(room -> messages.removeAll(room.id())
                        .flatMap(removed -> conversations.removeDeleted(room.id()).thenReturn(removed)))
                .reduce(0L, Long::sum);
    }

    private Mono<Long> expired() {
        return conversations.withRetention()
                .flatMap(room -> messages.purgeBefore(room,
                                clock.instant().minus(Duration.ofDays(room.retentionDays()))),
                        CONCURRENCY)
                .reduce(0L, Long::sum)
                .doOnNext(purged -> {
                    if (purged > 0) {
                        log.info("Retention purge removed {} expired entries", purged);
                    }
                });
    }

    @Override
    public boolean isAutoStartup() {
        return properties.enabled();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        schedule = Flux.interval(properties.initialDelay(), properties.interval())
                .onBackpressureDrop()
                .concatMap(tick -> purgeOnce()
                        .onErrorResume(error -> {
                            log.warn("Retention purge failed, retrying at the next interval: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && schedule != null) {
            schedule.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
