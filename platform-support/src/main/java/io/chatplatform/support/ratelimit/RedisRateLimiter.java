package io.chatplatform.support.ratelimit;

import io.chatplatform.support.reactor.GroupCommit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Fixed-window counters in Redis: the first attempt in a window creates {@code ratelimit:{bucket}:{key}} with
 * {@code INCR} and gives it the window as TTL ({@code PEXPIRE}); every further attempt increments it; attempts over
 * the limit are refused until the key expires. Counters live in Redis, so all instances of a service share them.
 *
 * <p>{@code INCR}, {@code PEXPIRE} and the TTL read run as one Lua script, so no crash between {@code INCR} and
 * {@code PEXPIRE} can leave a counter without a TTL, which would refuse its key forever. A key found without a TTL
 * anyway (written by something else) gets one.
 *
 * <p>This runs on every chat message, so attempts are counted in groups ({@link GroupCommit}): a lone attempt goes at
 * once, and the attempts that arrive while a script is in flight go together in the next one, each key counted in
 * the order its attempts arrived. A group costs one round trip and one script call however many attempts it carries
 * (at 3,000 sends/s into one chat-service, a third of the calls one per attempt made; see docs/benchmarks.md). The
 * keys of a group are not related, so the counters must live on one Redis node (not Redis Cluster, which refuses a
 * script across slots).
 *
 * <p><b>Fail-open:</b> when Redis cannot be reached the attempt is allowed and a warning is logged (at most one
 * every {@value #FAILURE_LOG_INTERVAL_SECONDS} seconds, with the count of the others, since every request would
 * otherwise log one). Limits guard against abuse; a Redis outage must not lock every user out of the service.
 */
public final class RedisRateLimiter {

    /** Prefix of every counter key. */
    public static final String KEY_PREFIX = "ratelimit:";

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final long FAILURE_LOG_INTERVAL_SECONDS = 10;

    /**
     * Counts one attempt per key, in order: KEYS[i] = counter, ARGV[i] = its window in ms; returns {count, ttl in ms}
     * for each, flattened. A key may come more than once (two attempts on it in one group). Typed {@code Object}
     * because the reply is a list of integers that the reactive driver may hand over whole or element by element.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<Object> COUNT = (RedisScript) RedisScript.of("""
            local reply = {}
            for i, key in ipairs(KEYS) do
              local count = redis.call('INCR', key)
              if count == 1 then
                redis.call('PEXPIRE', key, ARGV[i])
              end
              local ttl = redis.call('PTTL', key)
              if ttl < 0 then
                redis.call('PEXPIRE', key, ARGV[i])
                ttl = tonumber(ARGV[i])
              end
              reply[2 * i - 1] = count
              reply[2 * i] = ttl
            end
            return reply
            """, List.class);

    /** Attempts per script call: a few KB of keys, far below what Redis takes, and enough to absorb a burst. */
    private static final int MAX_GROUP = 256;

    /** Takes one attempt back from KEYS[1] unless the window has already ended (the key is gone) or it is at 0. */
    private static final RedisScript<Long> GIVE_BACK = RedisScript.of("""
            local count = tonumber(redis.call('GET', KEYS[1]) or '0')
            if count > 0 then
              redis.call('DECR', KEYS[1])
            end
            return 0
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final AtomicLong nextFailureLog = new AtomicLong(System.nanoTime());
    private final AtomicLong unloggedFailures = new AtomicLong();
    private final GroupCommit<Attempt> groups = new GroupCommit<>(MAX_GROUP, this::count,
            (attempt, failure) -> attempt.sink().success(allowUncounted(attempt.bucket(), failure)));

    /**
     * @param connectionFactory the service's Redis; its shared connection should be open before the first check
     *                          (platform-support opens Lettuce's eagerly), or the first check connects blocking
     */
    public RedisRateLimiter(ReactiveRedisConnectionFactory connectionFactory) {
        this.redis = new ReactiveStringRedisTemplate(Objects.requireNonNull(connectionFactory, "connectionFactory"));
    }

    /**
     * Counts one attempt against {@code ratelimit:{bucket}:{key}} and says whether it is allowed.
     *
     * @param bucket what is limited ({@code login-ip}, {@code send}); keeps different limits on one key apart
     * @param key    who or what is limited ({@code 10.0.0.7}, {@code {userId}:{conversationId}})
     * @param limit  attempts allowed per window, at least 1
     * @param window length of a window, at least 1 ms; it starts with the first attempt
     * @return the decision; never an error (fail-open)
     */
    public Mono<RateLimitDecision> acquire(String bucket, String key, int limit, Duration window) {
        String redisKey = key(bucket, key);
        requireValid(limit, window);
        return Mono.create(sink -> groups.add(new Attempt(bucket, redisKey, limit, window, sink)));
    }

    /**
     * One script call for the group; each attempt is told its decision. If the call fails, every attempt of the
     * group is allowed uncounted (fail-open, see the class comment).
     */
    private Mono<Void> count(List<Attempt> group) {
        List<String> keys = new ArrayList<>(group.size());
        List<String> windows = new ArrayList<>(group.size());
        for (Attempt attempt : group) {
            keys.add(attempt.redisKey());
            windows.add(Long.toString(attempt.window().toMillis()));
        }
        return redis.execute(COUNT, keys, windows)
                .reduce(new ArrayList<Long>(), RedisRateLimiter::append)
                .doOnNext(reply -> decideEach(group, reply))
                .then();
    }

    private static void decideEach(List<Attempt> group, List<Long> reply) {
        if (reply.size() != 2 * group.size()) {
            throw new IllegalStateException("unexpected rate limit script reply of " + reply.size() + " values for "
                    + group.size() + " attempts");
        }
        for (int i = 0; i < group.size(); i++) {
            Attempt attempt = group.get(i);
            attempt.sink().success(decide(reply.get(2 * i), reply.get(2 * i + 1), attempt.limit(), attempt.window()));
        }
    }

    /**
     * Counts one attempt; completes empty when it is allowed, else errors with a {@link RateLimitedException}
     * ({@code 429}, {@code Retry-After}) worded for attempts in general. Fails open like {@link #acquire}.
     */
    public Mono<Void> check(String bucket, String key, int limit, Duration window) {
        return acquire(bucket, key, limit, window)
                .flatMap(RedisRateLimiter::refuseIfOverLimit);
    }

    /**
     * Takes back one attempt counted by {@link #acquire} in the current window: for an attempt that turned out to be
     * a repeat of one already counted (a retried send). Best effort: a failure is logged at debug level and ignored.
     */
    public Mono<Void> giveBack(String bucket, String key) {
        return redis.execute(GIVE_BACK, List.of(key(bucket, key)), List.of())
                .then()
                .onErrorResume(error -> {
                    log.debug("Giving back a rate limit attempt failed for bucket {}", bucket, error);
                    return Mono.empty();
                });
    }

    /** The Redis key of a counter, for operators and tests. */
    public static String key(String bucket, String key) {
        requireText(bucket, "bucket");
        requireText(key, "key");
        return KEY_PREFIX + bucket + ":" + key;
    }

    private static Mono<Void> refuseIfOverLimit(RateLimitDecision decision) {
        return decision.allowed()
                ? Mono.empty()
                : Mono.error(new RateLimitedException(decision.retryAfter()));
    }

    private static RateLimitDecision decide(long count, long ttlMillis, int limit, Duration window) {
        Duration ttl = Duration.ofMillis(ttlMillis);
        Duration retryAfter = ttl.isNegative() || ttl.isZero() ? window : ttl;
        return new RateLimitDecision(count <= limit, Math.max(0, limit - count), retryAfter);
    }

    private RateLimitDecision allowUncounted(String bucket, Throwable error) {
        long now = System.nanoTime();
        long due = nextFailureLog.get();
        long next = now + TimeUnit.SECONDS.toNanos(FAILURE_LOG_INTERVAL_SECONDS);
        if (now - due >= 0 && nextFailureLog.compareAndSet(due, next)) {
            long others = unloggedFailures.getAndSet(0);
            log.warn("Rate limit check failed for bucket {}, allowing the request ({} other checks failed since the "
                    + "last warning): {}", bucket, others, error.toString());
        } else {
            unloggedFailures.incrementAndGet();
        }
        log.debug("Rate limit check failure for bucket {}", bucket, error);
        return RateLimitDecision.uncounted();
    }

    /** Collects the reply's integers, whether they come as one list or one by one. */
    private static ArrayList<Long> append(ArrayList<Long> values, Object chunk) {
        if (chunk instanceof List<?> list) {
            list.forEach(value -> values.add(((Number) value).longValue()));
        } else {
            values.add(((Number) chunk).longValue());
        }
        return values;
    }

    /** One attempt waiting for its group's script call; its caller hears the decision through the sink. */
    private record Attempt(String bucket, String redisKey, int limit, Duration window,
                           MonoSink<RateLimitDecision> sink) {
    }

    private static void requireValid(int limit, Duration window) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        Objects.requireNonNull(window, "window");
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1 ms");
        }
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
