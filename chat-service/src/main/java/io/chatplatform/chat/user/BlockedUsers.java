package io.chatplatform.chat.user;

import java.time.Duration;
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
 * The set of blocked users, read whole from MongoDB, so that a status check is a set lookup instead of one read per
 * sender.
 *
 * <p>Why a set: a per-user answer kept for a second is rarely reused (a user seldom sends twice within a second), so
 * almost every send paid a read for it. Blocked accounts are few; one query for all of them answers every sender.
 *
 * <p>Freshness: an answer comes from a set whose read <em>started</em> less than {@code maxAge} ago; once it is
 * {@code maxAge / 2} old, the next question starts another read in the background, so while reads succeed the set
 * never goes stale. A status this instance stored itself ({@link #remember}) wins over a set read before it was
 * stored. Without a fresh set (before the first read, while reads fail, with {@code maxAge} zero, or past
 * {@value #MAX_BLOCKED} blocked users) {@link #isBlocked} has no answer and the caller reads that user.
 */
final class BlockedUsers {

    private static final Logger log = LoggerFactory.getLogger(BlockedUsers.class);

    /** Past this many blocked accounts a set is no longer the cheap answer: checks read per user again. */
    static final int MAX_BLOCKED = 100_000;

    /** Reads the blocked users' ids, at most the given number of them. */
    private final IntFunction<Mono<Set<String>>> readBlocked;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final AtomicBoolean reading = new AtomicBoolean();
    /** Statuses this instance stored, with when; dropped once a set read after them is in. */
    private final Map<String, Local> stored = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;
    private volatile boolean overLimit;

    BlockedUsers(IntFunction<Mono<Set<String>>> readBlocked, Duration maxAge, LongSupplier nanoTime) {
        this.readBlocked = readBlocked;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether the user is blocked, or null when there is no fresh set to answer from. */
    Boolean isBlocked(String userId) {
        if (maxAgeNanos == 0) {
            return null;
        }
        long now = nanoTime.getAsLong();
        Snapshot current = snapshot;
        long age = current == null ? Long.MAX_VALUE : now - current.readStartedAt();
        if (age >= maxAgeNanos / 2) {
            readInBackground();
        }
        if (age >= maxAgeNanos) {
            return null;
        }
        Local local = stored.get(userId);
        if (local != null && local.at() - current.readStartedAt() > 0) {
            return local.blocked();
        }
        return current.ids().contains(userId);
    }

    /** A status this instance just stored: answered at once, before the next set read has it. */
    void remember(String userId, boolean blocked) {
        stored.put(userId, new Local(blocked, nanoTime.getAsLong()));
    }

    private void readInBackground() {
        if (!reading.compareAndSet(false, true)) {
            return;
        }
        long startedAt = nanoTime.getAsLong();
        Mono.defer(() -> readBlocked.apply(MAX_BLOCKED + 1))
                .doFinally(signal -> reading.set(false))
                .subscribe(ids -> replace(ids, startedAt),
                        // The previous set serves until it is too old; then checks read per user.
                        failure -> log.debug("Reading the blocked users failed: {}", failure.toString()));
    }

    private void replace(Set<String> ids, long startedAt) {
        boolean tooMany = ids.size() > MAX_BLOCKED;
        if (tooMany != overLimit) {
            overLimit = tooMany;
            log.warn(tooMany ? "More than {} blocked users: status checks read each user instead of one set"
                    : "At most {} blocked users again: status checks answer from one set", MAX_BLOCKED);
        }
        if (tooMany) {
            snapshot = null;
            return;
        }
        snapshot = new Snapshot(ids, startedAt);
        // A status stored before this read started is in it.
        stored.values().removeIf(local -> local.at() - startedAt < 0);
    }

    /** The blocked users' ids, read by a query that started at {@code readStartedAt} (monotonic nanos). */
    private record Snapshot(Set<String> ids, long readStartedAt) {
    }

    private record Local(boolean blocked, long at) {
    }
}
