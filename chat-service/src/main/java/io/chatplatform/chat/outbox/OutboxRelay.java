package io.chatplatform.chat.outbox;

import io.chatplatform.chat.ChatProperties;
import io.chatplatform.chat.conversation.Conversation;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.conversation.Member;
import io.chatplatform.chat.message.MessageStore;
import io.chatplatform.chat.message.StoredMessage;
import io.chatplatform.chat.observability.CurrentTrace;
import io.chatplatform.contracts.Topics;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.TopicSpec;
import io.chatplatform.support.redis.RedisPubSub;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes the events stored in messages' outboxes, then clears them; see the package description.
 *
 * <p>Started and stopped with the context ({@code chat.chat-service.outbox.relay-enabled} decides whether it starts
 * by itself). Each poll: take the lease, read pending messages in seq order, publish each one's events in order,
 * mark it published. Any failure ends the poll; the next poll starts again from the first unpublished message, so
 * a room's events never overtake each other and nothing is skipped (at least once: consumers dedupe on event id).
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int PARTITIONS = 3;

    private final MessageStore messages;
    private final ConversationStore conversations;
    private final KafkaPublisher kafka;
    private final KafkaTopics topics;
    private final RedisPubSub redis;
    private final ChatProperties.Outbox properties;
    private final OutboxLease lease;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Mono<Void> topicsReady;
    private volatile Disposable polling;

    OutboxRelay(MessageStore messages, ConversationStore conversations, KafkaPublisher kafka, KafkaTopics topics,
                RedisPubSub redis, ChatProperties properties, ReactiveMongoTemplate mongo, Optional<Clock> clock) {
        this.messages = messages;
        this.conversations = conversations;
        this.kafka = kafka;
        this.topics = topics;
        this.redis = redis;
        this.properties = properties.outbox();
        this.lease = new OutboxLease(mongo, this.properties.leaseDuration(), clock.orElse(Clock.systemUTC()));
        // Until it succeeds once, each poll tries again (cache only the success).
        this.topicsReady = Mono.defer(() -> topics.ensureTopics(List.of(
                        TopicSpec.of(Topics.CHAT_ROOM_EVENTS, PARTITIONS, 1),
                        TopicSpec.of(Topics.CHAT_MESSAGES, PARTITIONS, 1))))
                .cache(done -> Duration.ofMillis(Long.MAX_VALUE), failed -> Duration.ZERO, () -> Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public boolean isAutoStartup() {
        return properties.relayEnabled();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        polling = Flux.interval(Duration.ZERO, properties.pollInterval())
                // A slow poll makes ticks pile up; dropping them is fine, the next poll reads everything pending.
                .onBackpressureDrop()
                .concatMap(tick -> relayOnce()
                        .onErrorResume(this::logAndRetryLater))
                .subscribe();
        log.info("Outbox relay started, polling every {}", properties.pollInterval());
    }

    /** Fails open for this poll only: the events stay pending and the next poll publishes them. */
    private Mono<Integer> logAndRetryLater(Throwable failure) {
        log.warn("Outbox relay poll failed, retrying on the next poll: {}", failure.toString());
        return Mono.just(0);
    }

    @Override
    public void stop(Runnable callback) {
        if (!running.compareAndSet(true, false)) {
            callback.run();
            return;
        }
        Disposable current = polling;
        if (current != null) {
            current.dispose();
        }
        // Released without waiting on the caller's thread; if it fails the lease simply expires.
        lease.release()
                .onErrorResume(failure -> Mono.empty())
                .doFinally(signal -> callback.run())
                .subscribe();
        log.info("Outbox relay stopped");
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** One poll; emits how many messages it published (0 without the lease). */
    public Mono<Integer> relayOnce() {
        return lease.acquire()
                .filter(Boolean::booleanValue)
                .flatMap(held -> topicsReady.then(publishPending()))
                .defaultIfEmpty(0);
    }

    private Mono<Integer> publishPending() {
        Mono<Long> messageEvents = messages.pendingOutbox(properties.batchSize())
                .concatMap(this::publish)
                .count();
        Mono<Long> roomEvents = conversations.pendingOutbox(properties.batchSize())
                .concatMap(this::publishRoomEvents)
                .count();
        Mono<Long> memberEvents = conversations.pendingMemberEvents(properties.batchSize())
                .concatMap(this::publishMemberEvents)
                .count();
        return messageEvents.zipWith(roomEvents, Long::sum)
                .zipWith(memberEvents, Long::sum)
                .map(Long::intValue);
    }

    /**
     * A membership's events (membership.changed, receipt.updated) go where the conversation's messages go: a room's
     * to chat.room-events keyed by the room, a DM's to both participants' Redis channels.
     */
    private Mono<String> publishMemberEvents(Member member) {
        List<PendingEvent> events = member.pendingEvents();
        return conversations.findIncludingDeleted(member.conversationId())
                .flatMap(conversation -> Flux.fromIterable(events)
                        .concatMap(event -> conversation.isDm()
                                ? Flux.fromIterable(conversation.participants())
                                        .concatMap(userId -> redis.publish(Topics.userChannel(userId),
                                                event.envelope()))
                                        .then()
                                : kafka.sendAll(Flux.just(new OutboundRecord(Topics.CHAT_ROOM_EVENTS,
                                        conversation.id(), event.envelope(), headers(event)))))
                        .then())
                .then(conversations.markMemberPublished(member, events.stream().map(PendingEvent::eventId).toList()))
                .thenReturn(member.id());
    }

    private static Map<String, String> headers(PendingEvent event) {
        // The trace context of the request that stored the event also goes in the W3C header, for Kafka tooling.
        String traceparent = CurrentTrace.traceparentOf(event.envelope());
        return traceparent.isEmpty()
                ? Map.of("event-type", event.type(), "event-id", event.eventId())
                : Map.of("event-type", event.type(), "event-id", event.eventId(), "traceparent", traceparent);
    }

    /** A room's own events (created, updated, deleted) go to chat.room-events, keyed by the room like its messages. */
    private Mono<String> publishRoomEvents(Conversation room) {
        List<PendingEvent> events = room.pendingEvents();
        return Flux.fromIterable(events)
                .concatMap(event -> kafka.sendAll(Flux.just(new OutboundRecord(Topics.CHAT_ROOM_EVENTS, room.id(),
                        event.envelope(), headers(event)))))
                .then(conversations.markPublished(room.id(), events.stream().map(PendingEvent::eventId).toList()))
                .thenReturn(room.id());
    }

    private Mono<String> publish(StoredMessage message) {
        List<PendingEvent> events = message.pendingEvents() == null ? List.of() : message.pendingEvents();
        return Flux.fromIterable(events)
                .concatMap(event -> publish(message, event))
                .then(messages.markPublished(message.id(), events.stream().map(PendingEvent::eventId).toList()))
                .thenReturn(message.id());
    }

    /** Kafka first (durable, ordered), then Redis live delivery for DMs (best effort by nature). */
    private Mono<Void> publish(StoredMessage message, PendingEvent event) {
        List<OutboundRecord> records = new ArrayList<>();
        Map<String, String> headers = headers(event);
        records.add(new OutboundRecord(Topics.CHAT_MESSAGES, message.conversationId(), event.envelope(), headers));
        if (!message.isDm()) {
            records.add(new OutboundRecord(Topics.CHAT_ROOM_EVENTS, message.conversationId(), event.envelope(),
                    headers));
        }
        Mono<Void> live = message.isDm()
                ? Flux.fromIterable(message.participants())
                        .concatMap(userId -> redis.publish(Topics.userChannel(userId), event.envelope()))
                        .then()
                : Mono.empty();
        return kafka.sendAll(Flux.fromIterable(records))
                .then(live);
    }

    @Override
    public int getPhase() {
        // Stops before the web server and the Kafka/Redis clients it uses.
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
