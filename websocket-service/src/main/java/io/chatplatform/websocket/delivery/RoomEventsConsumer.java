package io.chatplatform.websocket.delivery;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.TopicListener;
import io.chatplatform.websocket.observability.WebSocketMetrics;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code chat.room-events} and delivers each event to the room's members connected to this instance (every
 * instance reads every room's events, see {@link TopicListener}). Membership changes keep {@link RoomMembers} fresh.
 */
@Component
class RoomEventsConsumer extends TopicListener {

    private static final Logger log = LoggerFactory.getLogger(RoomEventsConsumer.class);

    private final LocalConnections connections;
    private final RoomMembers members;

    private final WebSocketMetrics metrics;

    RoomEventsConsumer(KafkaSubscriber kafka, LocalConnections connections, RoomMembers members,
                       WebSocketMetrics metrics) {
        super(kafka, "websocket", List.of(Topics.CHAT_ROOM_EVENTS));
        this.connections = connections;
        this.members = members;
        this.metrics = metrics;
    }

    @Override
    protected Mono<Void> handle(InboundRecord record) {
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
        return Mono.justOrEmpty(Frames.ofEvent(event))
                .filter(frame -> !connections.users().isEmpty())
                .flatMap(frame -> members.connectedMembers(frame.conversationId(), connections)
                        .doOnNext(recipients -> metrics.deliver(event, WebSocketMetrics.Source.KAFKA,
                                frame.conversationId() + "#" + frame.logSeq(),
                                () -> connections.deliver(frame, recipients))))
                // Delivery is best effort (resume heals); a failed membership lookup must not stop the stream.
                .onErrorResume(error -> {
                    log.warn("Could not deliver a room event: {}", error.toString());
                    return Mono.empty();
                })
                .then();
    }
}
