package io.chatplatform.websocket.delivery;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Consumes {@code chat.room-events} and delivers each event to the room's members connected to this instance. Every
 * instance needs every room's events, so each consumes as its own group, from the newest offset: what happened
 * before it started is what {@code resume} is for. Membership changes keep {@link RoomMembers} fresh.
 */
@Component
class RoomEventsConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RoomEventsConsumer.class);

    private final KafkaSubscriber kafka;
    private final LocalConnections connections;
    private final RoomMembers members;
    private final String groupId = "websocket-" + UUID.randomUUID();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    RoomEventsConsumer(KafkaSubscriber kafka, LocalConnections connections, RoomMembers members) {
        this.kafka = kafka;
        this.connections = connections;
        this.members = members;
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        ConsumerSpec spec = new ConsumerSpec(groupId, List.of(Topics.CHAT_ROOM_EVENTS), ConsumerSpec.OffsetReset.LATEST);
        consuming = kafka.consume(spec, this::handle)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(retry -> log.warn("Room events consumer restarting: {}",
                                retry.failure().toString())))
                .subscribe();
    }

    private Mono<Void> handle(InboundRecord record) {
        EventEnvelope event;
        try {
            event = EventEnvelope.parseFrom(record.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            log.warn("Skipped an unreadable record on {}", Topics.CHAT_ROOM_EVENTS);
            return Mono.empty();
        }
        if (event.hasMembershipChanged()) {
            members.apply(event.getMembershipChanged());
        } else if (event.hasRoomDeleted()) {
            members.forget(event.getRoomDeleted().getRoomId());
        }
        Set<String> local = Set.copyOf(connections.users());
        return Mono.justOrEmpty(Frames.ofEvent(event))
                .filter(frame -> !local.isEmpty())
                .flatMap(frame -> members.membersAmong(frame.conversationId(), local)
                        .doOnNext(recipients -> connections.deliver(frame, recipients)))
                // Delivery is best effort (resume heals); a failed membership lookup must not stop the stream.
                .onErrorResume(error -> {
                    log.warn("Could not deliver a room event: {}", error.toString());
                    return Mono.empty();
                })
                .then();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && consuming != null) {
            consuming.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
