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
import java.util.LinkedHashMap;
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
 * by itself). Each pass: take the lease, read the {@link OutboxMarkers} (each conversation's messages in seq order),
 * load the documents they point to, publish a batch's events (Kafka records in one pipelined send, DM live events per
 * conversation in order), mark them published, clear the markers. Any failure ends the pass; the next one starts
 * again from the first marker still there, so a room's events never overtake each other and nothing is skipped (at
 * least once: consumers dedupe on event id). A pass runs on every poll tick and whenever this instance writes a
 * marker; now and then (and at start) a pass also searches every outbox for pending events without a marker.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int PARTITIONS = 3;
    /** Documents cleared, and DM conversations published, side by side within a batch. */
    private static final int CONCURRENCY = 32;

    private final MessageStore messages;
    private final ConversationStore conversations;
    private final KafkaPublisher kafka;
    private final KafkaTopics topics;
    private final RedisPubSub redis;
    private final ChatProperties.Outbox properties;
    private final OutboxLease lease;
    private final OutboxMarkers markers;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    /** When the next search of every outbox is due; 0 = at the first pass. */
    private volatile long recoveryDueMillis;
    private final Mono<Void> topicsReady;
    private volatile Disposable polling;

    OutboxRelay(MessageStore messages, ConversationStore conversations, KafkaPublisher kafka, KafkaTopics topics,
                RedisPubSub redis, ChatProperties properties, ReactiveMongoTemplate mongo, OutboxMarkers markers,
                Optional<Clock> clock) {
        this.messages = messages;
        this.conversations = conversations;
        this.kafka = kafka;
        this.topics = topics;
        this.redis = redis;
        this.properties = properties.outbox();
        this.clock = clock.orElse(Clock.systemUTC());
        this.markers = markers;
        this.lease = new OutboxLease(mongo, this.properties.leaseDuration(), this.clock);
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
        // Each start searches every outbox first: a crash may have kept markers from being written.
        recoveryDueMillis = 0;
        polling = Flux.merge(Flux.interval(Duration.ZERO, properties.pollInterval()).map(tick -> Boolean.TRUE),
                        markers.rings())
                // Ticks and rings during a pass collapse into one more pass, which reads everything pending.
                .onBackpressureLatest()
                // Deferred, so that even a failure while building a pass ends that pass only, not the loop.
                .concatMap(tick -> Mono.defer(this::drain)
                        .onErrorResume(this::logAndRetryLater), 1)
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

    /** Passes until a pass finds less than a full batch. */
    private Mono<Integer> drain() {
        return relayOnce()
                .expand(published -> published >= properties.batchSize() ? relayOnce() : Mono.empty())
                .reduce(0, Integer::sum);
    }

    /** One pass; emits how many documents it published (0 without the lease). */
    public Mono<Integer> relayOnce() {
        return lease.acquire()
                .filter(Boolean::booleanValue)
                .flatMap(held -> topicsReady.then(recoverIfDue()).then(publishMarked()))
                .defaultIfEmpty(0);
    }

    /** Every {@code recovery-interval}, and at the first pass: the search for outboxes nobody marked. */
    private Mono<Integer> recoverIfDue() {
        long now = clock.millis();
        if (now < recoveryDueMillis) {
            return Mono.just(0);
        }
        return publishPending()
                .doOnNext(published -> {
                    recoveryDueMillis = now + properties.recoveryInterval().toMillis();
                    if (published > 0) {
                        log.info("Outbox relay published {} outboxes found without a marker", published);
                    }
                });
    }

    private Mono<Integer> publishMarked() {
        return markers.pending(properties.batchSize())
                .collectList()
                .flatMap(marked -> marked.isEmpty()
                        ? Mono.just(0)
                        : publishMarkedMessages(marked)
                                .then(publishMarkedRooms(marked))
                                .then(publishMarkedMembers(marked))
                                .then(Flux.fromIterable(marked)
                                        .flatMap(markers::clear, CONCURRENCY)
                                        .then())
                                .thenReturn(marked.size()));
    }

    private static List<String> idsOf(List<OutboxMarkers.Marker> marked, String kind) {
        return marked.stream().filter(marker -> kind.equals(marker.kind()))
                .map(OutboxMarkers.Marker::documentId)
                .toList();
    }

    /**
     * The batch's message events: every Kafka record in one pipelined send (the producer keeps each key's order),
     * DM live events per conversation in seq order, conversations side by side; then each outbox is cleared.
     */
    private Mono<Void> publishMarkedMessages(List<OutboxMarkers.Marker> marked) {
        List<String> ids = idsOf(marked, OutboxMarkers.MESSAGE);
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        return messages.withEvents(ids)
                .collectMap(StoredMessage::id)
                .flatMap(byId -> {
                    List<StoredMessage> pending = ids.stream().map(byId::get)
                            .filter(message -> message != null && message.pendingEvents() != null
                                    && !message.pendingEvents().isEmpty())
                            .toList();
                    if (pending.isEmpty()) {
                        return Mono.empty();
                    }
                    Map<String, List<StoredMessage>> dmsByConversation = new LinkedHashMap<>();
                    List<OutboundRecord> records = new ArrayList<>();
                    for (StoredMessage message : pending) {
                        for (PendingEvent event : message.pendingEvents()) {
                            records.addAll(kafkaRecords(message, event));
                        }
                        if (message.isDm()) {
                            dmsByConversation.computeIfAbsent(message.conversationId(), id -> new ArrayList<>())
                                    .add(message);
                        }
                    }
                    Mono<Void> durable = kafka.sendAll(Flux.fromIterable(records)).then();
                    Mono<Void> live = Flux.fromIterable(dmsByConversation.values())
                            .flatMap(conversation -> Flux.fromIterable(conversation)
                                    .concatMap(this::publishLive), CONCURRENCY)
                            .then();
                    return Mono.when(durable, live)
                            .then(Flux.fromIterable(pending)
                                    .flatMap(message -> messages.markPublished(message.id(),
                                            message.pendingEvents().stream().map(PendingEvent::eventId).toList()),
                                            CONCURRENCY)
                                    .then());
                });
    }

    private Mono<Void> publishMarkedRooms(List<OutboxMarkers.Marker> marked) {
        List<String> ids = idsOf(marked, OutboxMarkers.ROOM);
        return ids.isEmpty() ? Mono.empty() : conversations.roomsById(ids)
                .filter(room -> !room.pendingEvents().isEmpty())
                .concatMap(this::publishRoomEvents)
                .then();
    }

    private Mono<Void> publishMarkedMembers(List<OutboxMarkers.Marker> marked) {
        List<String> ids = idsOf(marked, OutboxMarkers.MEMBER);
        return ids.isEmpty() ? Mono.empty() : conversations.membersById(ids)
                .filter(member -> !member.pendingEvents().isEmpty())
                .concatMap(this::publishMemberEvents)
                .then();
    }

    /** The whole search: every outbox with pending events, marked or not. */
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
        Mono<Void> live = message.isDm() ? publishLive(message, event) : Mono.empty();
        return kafka.sendAll(Flux.fromIterable(kafkaRecords(message, event)))
                .then(live);
    }

    /** Every message event goes to chat.messages; a room's also to chat.room-events, keyed by the conversation. */
    private static List<OutboundRecord> kafkaRecords(StoredMessage message, PendingEvent event) {
        Map<String, String> headers = headers(event);
        OutboundRecord all = new OutboundRecord(Topics.CHAT_MESSAGES, message.conversationId(), event.envelope(),
                headers);
        return message.isDm()
                ? List.of(all)
                : List.of(all, new OutboundRecord(Topics.CHAT_ROOM_EVENTS, message.conversationId(),
                        event.envelope(), headers));
    }

    /** A DM's events, in order, to both participants' Redis channels. */
    private Mono<Void> publishLive(StoredMessage message) {
        return Flux.fromIterable(message.pendingEvents())
                .concatMap(event -> publishLive(message, event))
                .then();
    }

    private Mono<Void> publishLive(StoredMessage message, PendingEvent event) {
        return Flux.fromIterable(message.participants())
                .flatMap(userId -> redis.publish(Topics.userChannel(userId), event.envelope()))
                .then();
    }

    @Override
    public int getPhase() {
        // Stops before the web server and the Kafka/Redis clients it uses.
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
