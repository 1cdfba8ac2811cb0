package io.chatplatform.websocket.presence;

import io.chatplatform.support.reactor.KeyLanes;
import io.chatplatform.support.redis.RedisPubSub;
import io.chatplatform.websocket.WebSocketProperties;
import io.chatplatform.websocket.chat.ChatClient;
import io.chatplatform.websocket.delivery.Frames;
import io.chatplatform.websocket.delivery.LocalConnections;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Online and offline, across instances and devices. A user is online while any instance holds a connection of
 * theirs: each instance keeps one field in the Redis hash {@code presence:{userId}} (its id → until when), renewed
 * every {@code chat.websocket.presence-ttl} / 3 and removed with the user's last connection there; a crashed instance's
 * fields expire. Changes go out on one Redis channel, and each instance shows them to its connected users who share a
 * conversation with that user (asked of chat-service), and to no one else.
 */
@Component
public class Presence implements SmartLifecycle {

    static final String CHANNEL = "presence";
    /**
     * Users whose changes are handled side by side, each user's in order ({@link KeyLanes}): one at a time, each
     * change waited for the round trips of every change before it, and the thousands of users who connect together
     * after a restart were announced, and shown, minutes late.
     */
    private static final int LANES = 16;
    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisPubSub pubSub;
    private final LocalConnections connections;
    private final ChatClient chat;
    private final PresenceViewers viewers;
    private final JsonMapper json;
    private final Duration ttl;
    private final Clock clock;
    private final String instanceId = UUID.randomUUID().toString();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Disposable.Composite work = Disposables.composite();

    Presence(ReactiveStringRedisTemplate redis, RedisPubSub pubSub, LocalConnections connections, ChatClient chat,
             JsonMapper json, WebSocketProperties properties, Optional<Clock> clock) {
        this.redis = redis;
        this.pubSub = pubSub;
        this.connections = connections;
        this.chat = chat;
        this.viewers = new PresenceViewers(chat);
        this.json = json;
        this.ttl = properties.presenceTtl();
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Which of {@code userIds} are online now. */
    public Mono<Set<String>> online(Collection<String> userIds) {
        long now = clock.millis();
        return Flux.fromIterable(userIds)
                .flatMap(userId -> redis.<String, String>opsForHash().values(key(userId))
                        .any(until -> Long.parseLong(until) > now)
                        .filter(Boolean::booleanValue)
                        .map(online -> userId), 16)
                .collect(HashSet::new, Set::add);
    }

    /** The users among {@code others} who share a conversation with {@code userId}: those who may see each other. */
    public Mono<Set<String>> contacts(String userId, Collection<String> others) {
        // Nobody to ask about makes no call (ChatClient's answer for an empty list).
        return chat.contacts(userId, others);
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        work.add(KeyLanes.inLanes(connections.arrivals()
                        // The lanes ask for a few arrivals at a time, and the arrivals sink drops what nobody asked
                        // for: without this buffer, a user who connected while earlier arrivals were being handled (a
                        // few Redis round trips each) was never announced online (or offline), so contacts did not
                        // see them come or go.
                        .onBackpressureBuffer(),
                LocalConnections.Arrival::userId, LANES,
                arrival -> (arrival.online() ? arrived(arrival.userId()) : left(arrival.userId()))
                        .onErrorResume(error -> {
                            log.warn("Presence update failed: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe());
        work.add(Flux.interval(ttl.dividedBy(3))
                .onBackpressureDrop()
                .concatMap(tick -> Flux.fromIterable(List.copyOf(connections.users()))
                        .flatMap(this::renew, 16)
                        .onErrorResume(error -> Mono.empty())
                        .then())
                .subscribe());
        work.add(KeyLanes.inLanes(pubSub.subscribe(CHANNEL).concatMap(message -> readChange(message.payload())),
                change -> change.path("userId").asString(), LANES,
                change -> show(change)
                        .onErrorResume(error -> {
                            // Warn: the users who should have seen it are not told until the next change.
                            log.warn("Dropped a presence change: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe());
    }

    private Mono<JsonNode> readChange(byte[] payload) {
        try {
            return Mono.just(json.readTree(payload));
        } catch (RuntimeException unreadable) {
            log.warn("Skipped an unreadable presence change: {}", unreadable.toString());
            return Mono.empty();
        }
    }

    private Mono<Void> arrived(String userId) {
        return online(List.of(userId))
                .flatMap(before -> renew(userId)
                        .then(before.isEmpty() ? announce(userId, true) : Mono.empty()));
    }

    private Mono<Void> left(String userId) {
        return redis.opsForHash().remove(key(userId), instanceId)
                .then(online(List.of(userId)))
                .flatMap(still -> still.isEmpty() ? announce(userId, false) : Mono.empty());
    }

    private Mono<Void> renew(String userId) {
        String until = Long.toString(clock.millis() + ttl.toMillis());
        return redis.opsForHash().put(key(userId), instanceId, until)
                .then(redis.expire(key(userId), ttl))
                .then();
    }

    private Mono<Void> announce(String userId, boolean online) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("type", "presence");
        change.put("userId", userId);
        change.put("online", online);
        change.put("at", Instant.now(clock).toString());
        return pubSub.publish(CHANNEL, json.writeValueAsBytes(change)).then();
    }

    /** Shows a change to the local users who share a conversation with its user (never to the user themselves). */
    private Mono<Void> show(JsonNode change) {
        return viewers.among(change.path("userId").asString(), connections.users())
                .filter(shown -> !shown.isEmpty())
                .doOnNext(shown -> connections.deliver(
                        new Frames.Frame(null, 0, null, json.convertValue(change, Map.class)), shown))
                .then();
    }

    private static String key(String userId) {
        return "presence:" + userId;
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            work.dispose();
            // Best effort: otherwise the fields expire within the TTL.
            Flux.fromIterable(List.copyOf(connections.users()))
                    .flatMap(userId -> redis.opsForHash().remove(key(userId), instanceId))
                    .subscribe();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
