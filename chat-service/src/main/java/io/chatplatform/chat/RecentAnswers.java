package io.chatplatform.chat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Answers read from MongoDB, remembered per key for at most {@code ttl}: an answer given from here was read (or
 * written by this instance) no longer than {@code ttl} ago. Used where every request asks the same question (is this
 * user blocked, is this user a member of this conversation) and an answer that old is an accepted, documented delay.
 *
 * <p>Lock-free on the hot path: a fresh entry is one map read. Concurrent questions about an expired or missing key
 * share one load. Failed loads and empty answers are not remembered, so the next question asks again. Expired entries
 * are swept at most once per {@code ttl}, which bounds the map to the keys asked about in about the last two
 * {@code ttl}s.
 *
 * <p>An answer can also carry the version of what it depends on ({@link #get(String, long)}): it is then reused only
 * while the version asked with is not newer than the one it was read under, so a change that raises the version
 * (a member removed from a room) reaches every instance as soon as it sees the new version, however long the TTL.
 *
 * @param <V> the answer
 */
public final class RecentAnswers<V> {

    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final Function<String, Mono<V>> loader;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep;

    /**
     * @param loader   reads the answer; empty means there is none (not remembered)
     * @param ttl      how long an answer may be reused; zero loads on every question
     * @param nanoTime monotonic clock ({@code System::nanoTime}; tests move it by hand)
     */
    public RecentAnswers(Function<String, Mono<V>> loader, Duration ttl, LongSupplier nanoTime) {
        this.loader = loader;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.nextSweep = new AtomicLong(nanoTime.getAsLong() + ttlNanos);
    }

    /** The answer for {@code key}, from memory when the entry is fresh. */
    public Mono<V> get(String key) {
        return get(key, 0);
    }

    /**
     * The answer for {@code key}, from memory when the entry is fresh and was read under {@code version} or a later
     * one. Read again otherwise, and remembered under {@code version}: the caller must have learnt that version
     * before this call, so that the read happens after every change the version counts.
     */
    public Mono<V> get(String key, long version) {
        long now = nanoTime.getAsLong();
        Entry<V> entry = entries.get(key);
        if (entry != null && entry.isValid(now, version)) {
            return entry.answer();
        }
        sweepIfDue(now);
        return entries.compute(key, (id, current) -> current != null && current.isValid(now, version)
                        ? current
                        : new Entry<>(load(id), now + ttlNanos, version))
                .answer();
    }

    /** Replaces the entry with an answer this instance just stored, so its own questions see it at once. */
    public void put(String key, V answer) {
        entries.put(key, new Entry<>(Mono.just(answer), nanoTime.getAsLong() + ttlNanos, 0));
    }

    /** Drops the entry (this instance just changed what it was read from): the next question reads again. */
    public void forget(String key) {
        entries.remove(key);
    }

    int size() {
        return entries.size();
    }

    private Mono<V> load(String key) {
        return Mono.defer(() -> loader.apply(key))
                // Shared by the questions that arrive while it runs; an error or an empty answer is not kept.
                .cache(value -> FOREVER, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + ttlNanos)) {
            entries.values().removeIf(entry -> !entry.isFresh(now));
        }
    }

    /**
     * An answer, the monotonic time after which it may no longer be used, and the version it was read under (0 when
     * none is asked for).
     */
    private record Entry<V>(Mono<V> answer, long expiresAt, long version) {

        boolean isFresh(long now) {
            return now - expiresAt < 0;
        }

        boolean isValid(long now, long currentVersion) {
            return isFresh(now) && version >= currentVersion;
        }
    }
}
