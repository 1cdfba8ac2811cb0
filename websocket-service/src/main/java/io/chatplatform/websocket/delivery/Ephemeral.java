package io.chatplatform.websocket.delivery;

import io.chatplatform.support.redis.RedisPubSub;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signals that are not stored and need no order: typing and delivered receipts. They cross instances on one Redis
 * channel ({@value #CHANNEL}) that every instance subscribes to, and each instance hands them to the conversation's
 * members connected to it (not to the user who caused them). Losing one is harmless: typing expires by itself, and
 * a later delivered receipt covers an earlier one.
 */
@Component
public class Ephemeral implements SmartLifecycle {

    static final String CHANNEL = "conversation-ephemeral";
    private static final Logger log = LoggerFactory.getLogger(Ephemeral.class);

    private final RedisPubSub redis;
    private final LocalConnections connections;
    private final RoomMembers members;
    private final JsonMapper json;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable subscription;

    Ephemeral(RedisPubSub redis, LocalConnections connections, RoomMembers members, JsonMapper json) {
        this.redis = redis;
        this.connections = connections;
        this.members = members;
        this.json = json;
    }

    /** {@code typing}: {@code userId} is typing in the conversation; clients hide it after {@code expiresInMs}. */
    public Mono<Void> typing(String conversationId, String userId, long expiresInMs) {
        Map<String, Object> frame = frame("typing", conversationId, userId);
        frame.put("expiresInMs", expiresInMs);
        return publish(frame);
    }

    /** A delivered receipt: {@code userId}'s client has received everything up to {@code upToSeq}. */
    public Mono<Void> delivered(String conversationId, String userId, long upToSeq) {
        Map<String, Object> frame = frame("receipt", conversationId, userId);
        frame.put("kind", "delivered");
        frame.put("upToSeq", upToSeq);
        return publish(frame);
    }

    private static Map<String, Object> frame(String type, String conversationId, String userId) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        frame.put("conversationId", conversationId);
        frame.put("userId", userId);
        return frame;
    }

    private Mono<Void> publish(Map<String, Object> frame) {
        return redis.publish(CHANNEL, json.writeValueAsBytes(frame)).then();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        subscription = redis.subscribe(CHANNEL)
                .concatMap(message -> deliver(json.readTree(message.payload()))
                        .onErrorResume(error -> {
                            log.debug("Dropped an ephemeral signal: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe(null, error -> log.warn("Ephemeral signals stopped: {}", error.toString()));
    }

    private Mono<Void> deliver(JsonNode frame) {
        String conversationId = frame.path("conversationId").asString();
        String userId = frame.path("userId").asString();
        if (connections.users().isEmpty()) {
            return Mono.empty();
        }
        Frames.Frame outgoing = new Frames.Frame(conversationId, 0, null, json.convertValue(frame, Map.class));
        return members.connectedMembers(conversationId, connections)
                .doOnNext(recipients -> {
                    recipients.remove(userId);
                    connections.deliver(outgoing, recipients);
                })
                .then();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && subscription != null) {
            subscription.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
