package io.chatplatform.websocket.moderation;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.UserWarned;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.TopicListener;
import io.chatplatform.websocket.delivery.Frames;
import io.chatplatform.websocket.delivery.LocalConnections;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Delivers moderation's warnings ({@code user.warned}: a hide-and-warn rule hid one of the user's messages) as a
 * {@code warned} frame to every connection of the warned user on this instance. Every instance reads the topic in
 * full ({@link TopicListener}), so the user gets it wherever they are connected. Best effort like all live delivery:
 * a user who is offline at that moment does not get it later (the hidden message shows as hidden in history).
 */
@Component
class Warnings extends TopicListener {

    private static final Logger log = LoggerFactory.getLogger(Warnings.class);

    private final LocalConnections connections;

    Warnings(KafkaSubscriber kafka, LocalConnections connections) {
        super(kafka, "websocket-warnings", List.of(Topics.MODERATION_EVENTS));
        this.connections = connections;
    }

    @Override
    protected Mono<Void> handle(InboundRecord record) {
        return Mono.fromRunnable(() -> {
            EventEnvelope event;
            try {
                event = EventEnvelope.parseFrom(record.value());
            } catch (InvalidProtocolBufferException e) {
                log.warn("Skipped an unreadable record on {}", record.topic());
                return;
            }
            if (event.getPayloadCase() == EventEnvelope.PayloadCase.USER_WARNED
                    && !event.getUserWarned().getUserId().isEmpty()) {
                UserWarned warned = event.getUserWarned();
                connections.deliver(frame(warned), List.of(warned.getUserId()));
            }
        });
    }

    /** The {@code warned} frame (docs/websocket-protocol.md); outside any conversation's log, so no log seq. */
    static Frames.Frame frame(UserWarned warned) {
        String conversationId = warned.getConversation().getId();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "warned");
        body.put("conversationId", conversationId);
        body.put("messageId", warned.getMessageId());
        body.put("reason", warned.getReason());
        body.put("rule", warned.getRuleName());
        body.put("warnedAt", Instant.ofEpochSecond(warned.getWarnedAt().getSeconds(), warned.getWarnedAt().getNanos())
                .toString());
        return new Frames.Frame(conversationId, 0, warned.getUserId(), body);
    }
}
