package io.chatplatform.notification.routing;

import java.time.Clock;
import java.util.Optional;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Whether a user is online, read from websocket-service's presence in Redis: the hash {@code presence:{userId}} holds
 * one field per websocket-service instance with a connection of the user, valued with the epoch millisecond until
 * which that claim holds. Online while any claim is in the future.
 */
@Component
class PresenceReader {

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;

    PresenceReader(ReactiveStringRedisTemplate redis, Optional<Clock> clock) {
        this.redis = redis;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Whether the user has a live connection now. If Redis cannot answer, the user counts as offline (fail open
     * towards notifying: a push too many is better than a message nobody hears of).
     */
    Mono<Boolean> isOnline(String userId) {
        long now = clock.millis();
        return redis.<String, String>opsForHash().values("presence:" + userId)
                .any(until -> parse(until) > now)
                .onErrorReturn(false);
    }

    private static long parse(String until) {
        try {
            return Long.parseLong(until);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
