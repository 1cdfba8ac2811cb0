package io.chatplatform.support.cache;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A small set of ids read whole from the database and answered from memory, never older than {@code maxAge}: for a
 * question many requests ask about many different ids, where the ids in the set are few (is this user blocked?). A
 * per-id answer kept for a second is rarely reused when each id is asked about less often than that, so nearly every
 * question paid a read; one read of the whole set answers them all.
 *
 * <p>Freshness: an answer comes from a set whose read <em>started</em> less than {@code maxAge} ago; once it is
 * {@code maxAge / 2} old, the next question starts another read in the background, so while reads succeed the set
 * never goes stale. A change this process stored itself ({@link #record}) wins over a set read before it was
 * stored. Without a fresh set (before the first read, while reads fail, with {@code maxAge} zero, or past
 * {@code maxSize} ids) {@link #contains} has no answer and the caller reads that id itself.
 */
public final class SetSnapshot {

    private static final Logger log = LoggerFactory.getLogger(SetSnapshot.class);

    /** What the set holds, for the log ("blocked users"). */
    private final String description;
    /** Reads the ids, at most the given number of them. */
    private final IntFunction<Mono<Set<String>>> read;
    /** Past this many ids a set is no longer the cheap answer: callers read per id again. */
    private final int maxSize;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final AtomicBoolean reading = new AtomicBoolean();
    /** Changes this process stored, with when; dropped once a set read after them is in. */
    private final Map<String, Local> stored = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;
    private volatile boolean overLimit;

    /**
     * @param description what the set holds, for the log
     * @param read        reads the ids, at most the given number (one more than {@code maxSize} is asked for)
     * @param maxSize     the most ids a set may hold and still be used
     * @param maxAge      how old a set may be when it answers; zero: never answer
     * @param nanoTime    monotonic clock ({@code System::nanoTime}; tests move it by hand)
     */
    public SetSnapshot(String description, IntFunction<Mono<Set<String>>> read, int maxSize, Duration maxAge,
                       LongSupplier nanoTime) {
        this.description = description;
        this.read = read;
        this.maxSize = maxSize;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether the set holds {@code id}, or null when there is no fresh set to answer from. */
    public Boolean contains(String id) {
        if (maxAgeNanos == 0) {
            return null;
        }
        long now = nanoTime.getAsLong();
        // The change stored here first, then the set: a read that replaces the set drops the changes it holds only
        // after the new set is in place, so when the change is gone, the set read next holds it. The other order
        // answered from the old set without the change (a block not seen for up to half maxAge).
        Local local = stored.get(id);
        Snapshot current = snapshot;
        long age = current == null ? Long.MAX_VALUE : now - current.readStartedAt();
        Boolean answer = age >= maxAgeNanos ? null : answer(id, local, current);
        if (age >= maxAgeNanos / 2) {
            readInBackground();
        }
        return answer;
    }

    /**
     * Every id in the set, with this process's own changes applied, or null when there is no fresh set to answer
     * from (as for {@link #contains}): for a caller that needs the members themselves, not one answer.
     */
    public Set<String> ids() {
        if (maxAgeNanos == 0) {
            return null;
        }
        long now = nanoTime.getAsLong();
        // The changes first, then the set, for the reason given in contains.
        List<Map.Entry<String, Local>> changes = stored.isEmpty() ? List.of() : List.copyOf(stored.entrySet());
        Snapshot current = snapshot;
        long age = current == null ? Long.MAX_VALUE : now - current.readStartedAt();
        Set<String> answer = age >= maxAgeNanos ? null : withChanges(current, changes);
        if (age >= maxAgeNanos / 2) {
            readInBackground();
        }
        return answer;
    }

    private static Set<String> withChanges(Snapshot current, List<Map.Entry<String, Local>> changes) {
        Set<String> merged = null;
        for (Map.Entry<String, Local> change : changes) {
            Local local = change.getValue();
            if (local.at() - current.readStartedAt() > 0
                    && local.contained() != current.ids().contains(change.getKey())) {
                if (merged == null) {
                    merged = new HashSet<>(current.ids());
                }
                if (local.contained()) {
                    merged.add(change.getKey());
                } else {
                    merged.remove(change.getKey());
                }
            }
        }
        return merged == null ? current.ids() : Collections.unmodifiableSet(merged);
    }

    private static boolean answer(String id, Local local, Snapshot current) {
        if (local != null && local.at() - current.readStartedAt() > 0) {
            return local.contained();
        }
        return current.ids().contains(id);
    }

    /** A change this process just stored (the id is now in the set, or not): answered at once, before a read has it. */
    public void record(String id, boolean contained) {
        stored.put(id, new Local(contained, nanoTime.getAsLong()));
    }

    private void readInBackground() {
        if (!reading.compareAndSet(false, true)) {
            return;
        }
        long startedAt = nanoTime.getAsLong();
        Mono.defer(() -> read.apply(maxSize + 1))
                .doFinally(signal -> reading.set(false))
                .subscribe(ids -> replace(ids, startedAt),
                        // The previous set serves until it is too old; then checks read per user.
                        failure -> log.debug("Reading the {} failed: {}", description, failure.toString()));
    }

    private void replace(Set<String> ids, long startedAt) {
        boolean tooMany = ids.size() > maxSize;
        if (tooMany != overLimit) {
            overLimit = tooMany;
            log.warn(tooMany ? "More than {} {}: each is read on its own instead of from one set"
                    : "At most {} {} again: answered from one set", maxSize, description);
        }
        if (tooMany) {
            snapshot = null;
            return;
        }
        snapshot = new Snapshot(ids, startedAt);
        // A change stored before this read started is in it.
        stored.values().removeIf(local -> local.at() - startedAt < 0);
    }

    /** The ids, read by a query that started at {@code readStartedAt} (monotonic nanos). */
    private record Snapshot(Set<String> ids, long readStartedAt) {
    }

    private record Local(boolean contained, long at) {
    }
}
