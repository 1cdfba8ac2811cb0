package io.chatplatform.notification.delivery;

import io.chatplatform.notification.NotificationProperties;
import java.time.Duration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * "This event was already handled for this recipient", in Redis: {@code notification:handled:{eventId}:{recipient}}
 * set with SET NX and a TTL of {@code chat.notification.dedupe-ttl}. Kafka delivers at least once; the first claim of
 * an (event, recipient) pair wins and a redelivery finds the key and sends nothing.
 */
@Component
public class Dedupe {

    private static final String PREFIX = "notification:handled:";

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;

    Dedupe(ReactiveStringRedisTemplate redis, NotificationProperties properties) {
        this.redis = redis;
        this.ttl = properties.dedupeTtl();
    }

    /** True the first time for this pair, false for every repeat within the TTL. */
    public Mono<Boolean> claim(String eventId, String recipient) {
        return redis.opsForValue()
                .setIfAbsent(key(eventId, recipient), "1", ttl)
                .defaultIfEmpty(false);
    }

    /**
     * Forgets a claim whose work could not be recorded, so that the event's redelivery does it (fail open towards
     * sending: a lost notification is worse than a rare repeat).
     */
    public Mono<Void> release(String eventId, String recipient) {
        return redis.delete(key(eventId, recipient)).then();
    }

    private static String key(String eventId, String recipient) {
        return PREFIX + eventId + ":" + recipient;
    }
}
