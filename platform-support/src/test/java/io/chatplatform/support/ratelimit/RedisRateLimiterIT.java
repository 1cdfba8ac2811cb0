package io.chatplatform.support.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.infra.Infrastructure;
import io.chatplatform.infra.junit.EmbeddedInfraExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The limiter against a real redis-server, with BlockHound watching the Lettuce threads. */
@ExtendWith(EmbeddedInfraExtension.class)
class RedisRateLimiterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private LettuceConnectionFactory connectionFactory;
    private RedisRateLimiter limiter;
    private ReactiveStringRedisTemplate redis;
    private String key;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @BeforeEach
    void connect(Infrastructure infrastructure) {
        connectionFactory = connectionFactory(infrastructure.redisHost(), infrastructure.redisPort());
        limiter = new RedisRateLimiter(connectionFactory);
        redis = new ReactiveStringRedisTemplate(connectionFactory);
        key = UUID.randomUUID().toString();
    }

    @AfterEach
    void disconnect() {
        connectionFactory.destroy();
    }

    @Test
    void allowsUpToTheLimitThenRefusesUntilTheWindowEnds() {
        for (int attempt = 1; attempt <= 3; attempt++) {
            RateLimitDecision decision = limiter.acquire("login-ip", key, 3, MINUTE).block(TIMEOUT);
            assertThat(decision.allowed()).as("attempt %d", attempt).isTrue();
            assertThat(decision.remaining()).isEqualTo(3 - attempt);
        }

        RateLimitDecision refused = limiter.acquire("login-ip", key, 3, MINUTE).block(TIMEOUT);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(MINUTE);
    }

    @Test
    void countsInOneKeyPerBucketAndKeyThatExpiresWithTheWindow() {
        limiter.acquire("send", key, 5, MINUTE).block(TIMEOUT);
        limiter.acquire("send", key, 5, MINUTE).block(TIMEOUT);

        String redisKey = "ratelimit:send:" + key;
        assertThat(RedisRateLimiter.key("send", key)).isEqualTo(redisKey);
        assertThat(redis.opsForValue().get(redisKey).block(TIMEOUT)).isEqualTo("2");
        assertThat(redis.getExpire(redisKey).block(TIMEOUT)).isPositive().isLessThanOrEqualTo(MINUTE);
    }

    @Test
    void bucketsAndKeysAreCountedSeparately() {
        assertThat(limiter.acquire("a", key, 1, MINUTE).block(TIMEOUT).allowed()).isTrue();
        assertThat(limiter.acquire("a", key, 1, MINUTE).block(TIMEOUT).allowed()).isFalse();

        assertThat(limiter.acquire("b", key, 1, MINUTE).block(TIMEOUT).allowed()).isTrue();
        assertThat(limiter.acquire("a", key + "-other", 1, MINUTE).block(TIMEOUT).allowed()).isTrue();
    }

    @Test
    void aNewWindowStartsWhenTheOldOneExpires() {
        Duration window = Duration.ofMillis(300);
        assertThat(limiter.acquire("short", key, 1, window).block(TIMEOUT).allowed()).isTrue();
        assertThat(limiter.acquire("short", key, 1, window).block(TIMEOUT).allowed()).isFalse();

        await().atMost(TIMEOUT)
                .until(() -> limiter.acquire("short", key, 1, window).block(TIMEOUT).allowed());
    }

    @Test
    void checkRefusesWithA429ProblemCarryingRetryAfter() {
        StepVerifier.create(limiter.check("register-ip", key, 1, MINUTE))
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(limiter.check("register-ip", key, 1, MINUTE))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(RateLimitedException.class);
                    RateLimitedException refusal = (RateLimitedException) error;
                    assertThat(refusal.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
                    assertThat(refusal.getBody().getType().toString()).isEqualTo(RateLimitedException.TYPE_URI);
                    assertThat(refusal.retryAfterSeconds()).isBetween(1L, 60L);
                    assertThat(refusal.getHeaders().getFirst("Retry-After"))
                            .isEqualTo(Long.toString(refusal.retryAfterSeconds()));
                })
                .verify(TIMEOUT);
    }

    @Test
    void aCounterLeftWithoutTtlGetsTheWindow() {
        String redisKey = RedisRateLimiter.key("stuck", key);
        redis.opsForValue().set(redisKey, "7").block(TIMEOUT);

        RateLimitDecision decision = limiter.acquire("stuck", key, 3, MINUTE).block(TIMEOUT);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.retryAfter()).isEqualTo(MINUTE);
        assertThat(redis.getExpire(redisKey).block(TIMEOUT)).isPositive().isLessThanOrEqualTo(MINUTE);
    }

    @Test
    void concurrentAttemptsNeverExceedTheLimit() {
        // The shared connection is opened on first use under a lock; services open it at startup
        // (RedisEagerConnectionAutoConfiguration), so this test does too, rather than racing 32 first uses into it.
        limiter.acquire("warm-up", key, 1, MINUTE).block(TIMEOUT);
        List<RateLimitDecision> decisions = Flux.range(0, 100)
                .flatMap(attempt -> limiter.acquire("burst", key, 30, MINUTE)
                        .subscribeOn(Schedulers.parallel()), 32)
                .collectList()
                .block(TIMEOUT);

        assertThat(decisions).hasSize(100);
        assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(30);
        assertThat(redis.opsForValue().get(RedisRateLimiter.key("burst", key)).block(TIMEOUT)).isEqualTo("100");
    }

    @Test
    void attemptsOnManyKeysAreCountedTogetherEachInItsOwnCounter() {
        limiter.acquire("warm-up", key, 1, MINUTE).block(TIMEOUT);
        long scriptCallsBefore = scriptCalls();
        int keys = 8;
        int attemptsPerKey = 40;
        // Interleaved: consecutive attempts are on different keys, so a group holds many keys and some twice.
        List<RateLimitDecision> decisions = Flux.range(0, keys * attemptsPerKey)
                .flatMap(attempt -> limiter.acquire("burst", key + "-" + (attempt % keys), 30,
                                attempt % 2 == 0 ? MINUTE : Duration.ofMinutes(2))
                        .subscribeOn(Schedulers.parallel()), 64)
                .collectList()
                .block(TIMEOUT);

        assertThat(decisions).hasSize(keys * attemptsPerKey);
        assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(keys * 30);
        for (int k = 0; k < keys; k++) {
            String redisKey = RedisRateLimiter.key("burst", key + "-" + k);
            assertThat(redis.opsForValue().get(redisKey).block(TIMEOUT)).isEqualTo(Integer.toString(attemptsPerKey));
            assertThat(redis.getExpire(redisKey).block(TIMEOUT)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));
        }
        // Counted in groups: fewer script calls than attempts (the first of a burst goes alone, the rest wait for it).
        assertThat(scriptCalls() - scriptCallsBefore).isPositive().isLessThan(keys * attemptsPerKey);
    }

    @Test
    void allowsEverythingWhileRedisIsUnreachable() {
        LettuceConnectionFactory unreachable = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", closedPort()));
        unreachable.afterPropertiesSet();
        unreachable.start();
        try {
            RedisRateLimiter failOpen = new RedisRateLimiter(unreachable);
            for (int attempt = 0; attempt < 3; attempt++) {
                StepVerifier.create(failOpen.acquire("login-ip", key, 1, MINUTE))
                        .expectNext(RateLimitDecision.uncounted())
                        .expectComplete()
                        .verify(TIMEOUT);
            }
            StepVerifier.create(failOpen.check("login-ip", key, 1, MINUTE))
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            unreachable.destroy();
        }
    }

    /** Script calls the server has run so far ({@code EVAL} and {@code EVALSHA}), from {@code INFO commandstats}. */
    private long scriptCalls() {
        String stats = redis.execute(connection -> connection.serverCommands().info("commandstats"))
                .next()
                .map(Object::toString)
                .block(TIMEOUT);
        long calls = 0;
        Matcher matcher = Pattern.compile("cmdstat_eval(?:sha)?[=:]calls=(\\d+)").matcher(stats);
        while (matcher.find()) {
            calls += Long.parseLong(matcher.group(1));
        }
        return calls;
    }

    /** A port nothing listens on (it was free a moment ago). */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connected at start, as services do (platform-support's RedisEagerConnectionAutoConfiguration). */
    private static LettuceConnectionFactory connectionFactory(String host, int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
        factory.setEagerInitialization(true);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
