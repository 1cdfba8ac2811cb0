package io.chatplatform.chat;

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

class RecentAnswersTest {

    private static final Duration TTL = Duration.ofSeconds(1);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final Map<String, Boolean> database = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final RecentAnswers<Boolean> cache = new RecentAnswers<>(this::load, TTL, clock::get);

    private Mono<Boolean> load(String userId) {
        loads.incrementAndGet();
        return Mono.justOrEmpty(database.get(userId));
    }

    @Test
    void answersFromMemoryUntilTheEntryIsOlderThanTheTtl() {
        database.put("u1", false);
        assertThat(cache.get("u1").block()).isFalse();

        database.put("u1", true);
        clock.addAndGet(TTL.toNanos() - 1);
        assertThat(cache.get("u1").block()).as("still within the TTL").isFalse();

        clock.addAndGet(1);
        assertThat(cache.get("u1").block()).as("TTL over: read again").isTrue();
        assertThat(loads).hasValue(2);
    }

    @Test
    void aVersionedAnswerIsReadAgainOnceANewerVersionIsAskedFor() {
        database.put("u1", true);
        assertThat(cache.get("u1", 3).block()).isTrue();

        database.put("u1", false);
        assertThat(cache.get("u1", 3).block()).as("same version, within the TTL").isTrue();
        assertThat(cache.get("u1", 2).block()).as("an older version than the answer's: still good").isTrue();
        assertThat(loads).hasValue(1);

        assertThat(cache.get("u1", 4).block()).as("a newer version: read again").isFalse();
        assertThat(loads).hasValue(2);

        database.put("u1", true);
        assertThat(cache.get("u1", 3).block()).as("remembered under version 4, which covers 3").isFalse();
        clock.addAndGet(TTL.toNanos());
        assertThat(cache.get("u1", 4).block()).as("TTL over: read again whatever the version").isTrue();
        assertThat(loads).hasValue(3);
    }

    @Test
    void anEmptyAnswerIsNotRemembered() {
        assertThat(cache.get("nobody").block()).isNull();

        database.put("nobody", true);

        assertThat(cache.get("nobody").block()).as("asked again, now found").isTrue();
        assertThat(loads).hasValue(2);
    }

    @Test
    void aForgottenEntryIsReadAgain() {
        database.put("u1", false);
        assertThat(cache.get("u1").block()).isFalse();

        database.put("u1", true);
        cache.forget("u1");

        assertThat(cache.get("u1").block()).isTrue();
        assertThat(loads).hasValue(2);
    }

    @Test
    void anAnswerPutByThisInstanceCountsAtOnce() {
        database.put("u1", false);
        assertThat(cache.get("u1").block()).isFalse();

        cache.put("u1", true);

        assertThat(cache.get("u1").block()).isTrue();
        assertThat(loads).hasValue(1);
    }

    @Test
    void concurrentQuestionsShareOneLoad() {
        Sinks.One<Boolean> result = Sinks.one();
        RecentAnswers<Boolean> slow = new RecentAnswers<>(userId -> {
            loads.incrementAndGet();
            return result.asMono();
        }, TTL, clock::get);

        Mono<Boolean> first = slow.get("u1");
        Mono<Boolean> second = slow.get("u1");
        StepVerifier.create(first.zipWith(second))
                .then(() -> result.tryEmitValue(true))
                .assertNext(both -> assertThat(both.getT1() && both.getT2()).isTrue())
                .verifyComplete();
        assertThat(loads).hasValue(1);
    }

    @Test
    void aFailedLoadIsNotRemembered() {
        AtomicInteger attempts = new AtomicInteger();
        RecentAnswers<Boolean> flaky = new RecentAnswers<>(userId -> attempts.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("database down"))
                : Mono.just(true), TTL, clock::get);

        StepVerifier.create(flaky.get("u1"))
                .expectError(IllegalStateException.class)
                .verify();
        assertThat(flaky.get("u1").block()).isTrue();
    }

    @Test
    void zeroTtlLoadsEveryTime() {
        RecentAnswers<Boolean> uncached = new RecentAnswers<>(this::load, Duration.ZERO, clock::get);
        database.put("u1", false);

        uncached.get("u1").block();
        uncached.get("u1").block();

        assertThat(loads).hasValue(2);
    }

    @Test
    void expiredEntriesAreSwept() {
        for (int i = 0; i < 100; i++) {
            cache.get("u" + i).block();
        }
        assertThat(cache.size()).isEqualTo(100);

        clock.addAndGet(TTL.toNanos());
        cache.get("fresh").block();

        assertThat(cache.size()).isEqualTo(1);
    }
}
