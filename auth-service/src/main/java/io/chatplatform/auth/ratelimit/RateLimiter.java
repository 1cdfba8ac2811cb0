package io.chatplatform.auth.ratelimit;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.Problems;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Fixed-window counters in Redis: {@code INCR ratelimit:{bucket}:{key}}, with {@code EXPIRE window} set by the
 * request that created the key. Over the limit the request fails with a 429 problem whose {@code Retry-After} is the
 * key's remaining TTL. Counters are shared by all instances of the service.
 */
@Component
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    private final ReactiveStringRedisTemplate redis;
    private final AuthProperties.RateLimits limits;

    RateLimiter(ReactiveStringRedisTemplate redis, AuthProperties properties) {
        this.redis = redis;
        this.limits = properties.rateLimits();
    }

    /** Counts one attempt against {@code bucket:key}; completes empty when allowed, else errors with a 429. */
    public Mono<Void> check(String bucket, String key, int limit) {
        if (!limits.enabled()) {
            return Mono.empty();
        }
        String redisKey = "ratelimit:" + bucket + ":" + key;
        return redis.opsForValue()
                .increment(redisKey)
                .flatMap(count -> startWindow(redisKey, count))
                .flatMap(count -> count <= limit ? Mono.<Void>empty() : refuse(redisKey))
                // Fail-open: a Redis outage must not lock everybody out of logging in. The limits guard against
                // brute force; BCrypt's cost still slows an attacker while Redis is down.
                .onErrorResume(error -> !(error instanceof org.springframework.web.ErrorResponseException),
                        error -> {
                            log.warn("Rate limit check failed for bucket {}, allowing the request: {}", bucket,
                                    error.toString());
                            return Mono.empty();
                        });
    }

    private Mono<Long> startWindow(String redisKey, long count) {
        if (count != 1) {
            return Mono.just(count);
        }
        return redis.expire(redisKey, limits.window())
                .thenReturn(count);
    }

    private Mono<Void> refuse(String redisKey) {
        return redis.getExpire(redisKey)
                .defaultIfEmpty(limits.window())
                // A key left without TTL (crash between INCR and EXPIRE) would block forever: give it one now.
                .flatMap(ttl -> ttl.isNegative() || ttl.isZero()
                        ? redis.expire(redisKey, limits.window()).thenReturn(limits.window())
                        : Mono.just(ttl))
                .flatMap(ttl -> Mono.error(Problems.tooManyRequests(ttl)));
    }

    public AuthProperties.RateLimits limits() {
        return limits;
    }

    /** Buckets, one per limit. */
    public static final class Buckets {
        public static final String LOGIN_IP = "login-ip";
        public static final String LOGIN_ACCOUNT = "login-account";
        public static final String REGISTER_IP = "register-ip";
        public static final String RESET_IP = "reset-ip";
        public static final String RESET_ACCOUNT = "reset-account";

        private Buckets() {
        }
    }
}
