package io.chatplatform.chat.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class StatusCacheTest {

    private static final Duration TTL = Duration.ofSeconds(1);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final Map<String, Boolean> database = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final StatusCache cache = new StatusCache(this::load, TTL, clock::get);

    private Mono<Boolean> load(String userId) {
        loads.incrementAndGet();
        return Mono.justOrEmpty(database.get(userId));
    }

    @Test
    void answersFromMemoryUntilTheEntryIsOlderThanTheTtl() {
        database.put("u1", false);
        assertThat(cache.isBlocked("u1").block()).isFalse();

        database.put("u1", true);
        clock.addAndGet(TTL.toNanos() - 1);
        assertThat(cache.isBlocked("u1").block()).as("still within the TTL").isFalse();

        clock.addAndGet(1);
        assertThat(cache.isBlocked("u1").block()).as("TTL over: read again").isTrue();
        assertThat(loads).hasValue(2);
    }

    @Test
    void unknownUsersAreNotBlocked() {
        assertThat(cache.isBlocked("nobody").block()).isFalse();
    }

    @Test
    void aStatusPutByThisInstanceCountsAtOnce() {
        database.put("u1", false);
        assertThat(cache.isBlocked("u1").block()).isFalse();

        cache.put("u1", true);

        assertThat(cache.isBlocked("u1").block()).isTrue();
        assertThat(loads).hasValue(1);
    }

    @Test
    void concurrentChecksShareOneLoad() {
        Sinks.One<Boolean> result = Sinks.one();
        StatusCache slow = new StatusCache(userId -> {
            loads.incrementAndGet();
            return result.asMono();
        }, TTL, clock::get);

        Mono<Boolean> first = slow.isBlocked("u1");
        Mono<Boolean> second = slow.isBlocked("u1");
        StepVerifier.create(first.zipWith(second))
                .then(() -> result.tryEmitValue(true))
                .assertNext(both -> assertThat(both.getT1() && both.getT2()).isTrue())
                .verifyComplete();
        assertThat(loads).hasValue(1);
    }

    @Test
    void aFailedLoadIsNotRemembered() {
        AtomicInteger attempts = new AtomicInteger();
        StatusCache flaky = new StatusCache(userId -> attempts.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("database down"))
                : Mono.just(true), TTL, clock::get);

        StepVerifier.create(flaky.isBlocked("u1"))
                .expectError(IllegalStateException.class)
                .verify();
        assertThat(flaky.isBlocked("u1").block()).isTrue();
    }

    @Test
    void zeroTtlLoadsEveryTime() {
        StatusCache uncached = new StatusCache(this::load, Duration.ZERO, clock::get);
        database.put("u1", false);

        uncached.isBlocked("u1").block();
        uncached.isBlocked("u1").block();

        assertThat(loads).hasValue(2);
    }

    @Test
    void expiredEntriesAreSwept() {
        for (int i = 0; i < 100; i++) {
            cache.isBlocked("u" + i).block();
        }
        assertThat(cache.size()).isEqualTo(100);

        clock.addAndGet(TTL.toNanos());
        cache.isBlocked("fresh").block();

        assertThat(cache.size()).isEqualTo(1);
    }
}
