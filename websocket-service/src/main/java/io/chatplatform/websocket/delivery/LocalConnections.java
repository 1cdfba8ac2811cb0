package io.chatplatform.websocket.delivery;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.redis.RedisPubSub;
import io.chatplatform.websocket.observability.WebSocketMetrics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authenticated connections of this instance, by user, and the one Redis subscription to {@code user:{id}} per
 * locally connected user: taken with the user's first connection here, released with the last. DM events arrive on
 * it and go to every connection of that user.
 */
@Component
public class LocalConnections implements RoomMembers.LocalUsers {

    private static final Logger log = LoggerFactory.getLogger(LocalConnections.class);

    private final RedisPubSub redis;
    private final JsonMapper json;
    private final WebSocketMetrics metrics;
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, UserConnections> users = new ConcurrentHashMap<>();
    /** Counts users' first connections here: while it stands still, no user is here that was not here before. */
    private final java.util.concurrent.atomic.AtomicLong newcomers = new java.util.concurrent.atomic.AtomicLong();
    private final reactor.core.publisher.Sinks.Many<Arrival> arrivals =
            reactor.core.publisher.Sinks.many().multicast().directBestEffort();

    /**
     * A user's first connection here opened ({@code online}), or their last one here closed.
     *
     * @param userId the user
     * @param online true for the first connection, false for the last one gone
     */
    public record Arrival(String userId, boolean online) {
    }

    /**
     * First and last connections of users on this instance, for presence. Hot and best effort: an arrival is dropped
     * for a subscriber that has not requested it, so a subscriber that handles them one at a time must buffer.
     */
    public reactor.core.publisher.Flux<Arrival> arrivals() {
        return arrivals.asFlux();
    }

    LocalConnections(RedisPubSub redis, JsonMapper json, WebSocketMetrics metrics) {
        this.redis = redis;
        this.json = json;
        this.metrics = metrics;
        metrics.watchConnections(open::get);
    }

    /** A user's connections here and their Redis subscription. */
    private static final class UserConnections {
        final Set<Recipient> connections = ConcurrentHashMap.newKeySet();
        volatile Disposable subscription;
    }

    public void add(Recipient connection) {
        boolean[] first = {false};
        users.compute(connection.userId(), (userId, existing) -> {
            UserConnections entry = existing == null ? new UserConnections() : existing;
            if (entry.connections.add(connection)) {
                open.incrementAndGet();
            }
            if (entry.subscription == null) {
                first[0] = true;
                entry.subscription = subscribe(userId);
                emit(new Arrival(userId, true));
            }
            return entry;
        });
        if (first[0]) {
            // Counted only once the user is in users(): whoever reads this count and then users() sees them.
            newcomers.incrementAndGet();
        }
    }

    private void emit(Arrival arrival) {
        synchronized (arrivals) {
            arrivals.tryEmitNext(arrival);
        }
    }

    public void remove(Recipient connection) {
        users.computeIfPresent(connection.userId(), (userId, entry) -> {
            if (entry.connections.remove(connection)) {
                open.decrementAndGet();
            }
            if (!entry.connections.isEmpty()) {
                return entry;
            }
            entry.subscription.dispose();
            emit(new Arrival(userId, false));
            return null;
        });
    }

    /**
     * Closes a user's connections here: all of them ({@code sessionId} null), or those authenticated within one
     * auth-service session. Used when an account is blocked or a session is revoked.
     */
    public int close(String userId, String sessionId, int code, String reason) {
        UserConnections entry = users.get(userId);
        if (entry == null) {
            return 0;
        }
        int closed = 0;
        for (Recipient connection : List.copyOf(entry.connections)) {
            if (sessionId == null || sessionId.equals(connection.sessionId())) {
                connection.close(code, reason);
                closed++;
            }
        }
        return closed;
    }

    /** Every connection here, e.g. to close them all when the instance stops. */
    public List<Recipient> all() {
        return users.values().stream().flatMap(entry -> entry.connections.stream()).toList();
    }

    @Override
    public long newcomers() {
        return newcomers.get();
    }

    @Override
    public Set<String> users() {
        return users.keySet();
    }

    /**
     * Delivers a frame, serialized once, to every local connection of {@code userIds} (and only the allowed one);
     * returns to how many connections.
     */
    public int deliver(Frames.Frame frame, Collection<String> userIds) {
        String text = null;
        int delivered = 0;
        for (String userId : userIds) {
            if (frame.onlyFor() != null && !frame.onlyFor().equals(userId)) {
                continue;
            }
            UserConnections entry = users.get(userId);
            if (entry == null) {
                continue;
            }
            if (text == null) {
                text = json.writeValueAsString(frame.body());
            }
            for (Recipient connection : entry.connections) {
                connection.deliver(frame, text);
                delivered++;
            }
        }
        return delivered;
    }

    private Disposable subscribe(String userId) {
        return redis.subscribe(Topics.userChannel(userId))
                .map(message -> parse(message.payload()))
                .subscribe(event -> event.ifPresent(envelope -> Frames.ofEvent(envelope)
                                .ifPresent(frame -> metrics.deliver(envelope, WebSocketMetrics.Source.REDIS,
                                        frame.conversationId() + "#" + frame.logSeq(),
                                        () -> deliver(frame, Set.of(userId))))),
                        error -> log.warn("Live delivery for a user stopped: {}", error.toString()));
    }

    private static Optional<EventEnvelope> parse(byte[] payload) {
        try {
            return Optional.of(EventEnvelope.parseFrom(payload));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            log.warn("Dropped an unreadable event on a user channel");
            return Optional.empty();
        }
    }
}
