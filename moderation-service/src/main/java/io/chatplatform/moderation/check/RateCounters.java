package io.chatplatform.moderation.check;

import io.chatplatform.moderation.rules.RatePattern;
import java.time.Duration;
import java.time.Instant;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Counts a sender's messages per sliding window in Redis, shared by all instances: one sorted set per rule and
 * sender (or sender and text, for repeats) whose members are message ids scored by send time. Adding a message id
 * that is already there changes nothing, so a redelivered message is never counted twice.
 */
@Component
class RateCounters {

    private static final String PREFIX = "moderation:rate:";

    private final ReactiveStringRedisTemplate redis;

    RateCounters(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Records the message and returns how many the key holds in the window ending at {@code sentAt}. */
    Mono<Long> count(String key, String messageId, Instant sentAt, RatePattern rate) {
        String redisKey = PREFIX + key;
        long end = sentAt.toEpochMilli();
        long start = end - rate.window().toMillis();
        var sets = redis.opsForZSet();
        return sets.add(redisKey, messageId, end)
                .then(sets.removeRangeByScore(redisKey, Range.leftUnbounded(Range.Bound.exclusive((double) start))))
                .then(redis.expire(redisKey, rate.window().plus(Duration.ofMinutes(1))))
                .then(sets.count(redisKey, Range.closed((double) start, (double) end)));
    }
}
