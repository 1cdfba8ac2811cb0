package io.chatplatform.chat.user;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Whether a user is blocked, remembered per user for at most {@code ttl}: a status answered from here was read
 * from MongoDB (or written by this instance) no longer than {@code ttl} ago.
 *
 * <p>Lock-free on the hot path: a fresh entry is one map read. Concurrent checks of an expired or missing user share
 * one load. Failed loads are not remembered, so the next check tries again. Expired entries are swept at most once
 * per {@code ttl}, which bounds the map to the users checked in about the last two {@code ttl}s.
 */
final class StatusCache {

    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final Function<String, Mono<Boolean>> loader;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep;

    /**
     * @param loader   reads whether a user is blocked (empty means not blocked)
     * @param ttl      how long an answer may be reused; zero loads on every check
     * @param nanoTime monotonic clock ({@code System::nanoTime}; tests move it by hand)
     */
    StatusCache(Function<String, Mono<Boolean>> loader, Duration ttl, LongSupplier nanoTime) {
        this.loader = loader;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.nextSweep = new AtomicLong(nanoTime.getAsLong() + ttlNanos);
    }

    /** Whether the user is blocked, from memory when the entry is fresh. */
    Mono<Boolean> isBlocked(String userId) {
        long now = nanoTime.getAsLong();
        Entry entry = entries.get(userId);
        if (entry != null && entry.isFresh(now)) {
            return entry.blocked();
        }
        sweepIfDue(now);
        return entries.compute(userId, (id, current) -> current != null && current.isFresh(now)
                        ? current
                        : new Entry(load(id), now + ttlNanos))
                .blocked();
    }

    /** Replaces the user's entry with a status this instance just stored, so its own checks see it at once. */
    void put(String userId, boolean blocked) {
        entries.put(userId, new Entry(Mono.just(blocked), nanoTime.getAsLong() + ttlNanos));
    }

    int size() {
        return entries.size();
    }

    private Mono<Boolean> load(String userId) {
        return Mono.defer(() -> loader.apply(userId))
                .defaultIfEmpty(false)
                // Shared by the checks that arrive while it runs; an error is not kept.
                .cache(value -> FOREVER, error -> Duration.ZERO, () -> FOREVER);
    }

    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + ttlNanos)) {
            entries.values().removeIf(entry -> !entry.isFresh(now));
        }
    }

    /** An answer and the monotonic time after which it may no longer be used. */
    private record Entry(Mono<Boolean> blocked, long expiresAt) {

        boolean isFresh(long now) {
            return now - expiresAt < 0;
        }
    }
}
