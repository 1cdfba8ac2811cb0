package io.chatplatform.notification.routing;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Notifications waiting for their moment, in MongoDB so that they survive a restart: pushes
 * ({@code pending_pushes}) and digests ({@code digests} with their {@code digest_entries}). Instances pick due ones
 * by claiming them for a lease (a single-document conditional update), so each is sent by one instance; a claim
 * whose instance died runs out and another instance takes it.
 */
@Component
class Schedule {

    static final Instant UNCLAIMED = Instant.EPOCH;
    private static final FindAndModifyOptions UPSERT = FindAndModifyOptions.options().upsert(true).returnNew(true);
    private static final FindAndModifyOptions RETURN_NEW = FindAndModifyOptions.options().returnNew(true);

    /**
     * How long before its due time a digest this instance created is still taken to exist without asking. Claims are
     * made on other instances' clocks, which may run ahead of this one's by up to this much.
     */
    static final Duration DUE_MARGIN = Duration.ofSeconds(5);
    private static final int KNOWN_DIGESTS = 100_000;

    private final ReactiveMongoTemplate mongo;
    /**
     * The due time of each digest this instance created, by user. Until then nobody claims it (only due digests are
     * claimed) and so nobody removes it, and the upsert that makes sure a user's new entry has a digest would change
     * nothing: it is skipped, one MongoDB command of the two a digest entry costs. Entries past their due time are
     * not trusted and go out with the size bound or the day.
     */
    private final Cache<String, Instant> createdDigests = Caffeine.newBuilder()
            .maximumSize(KNOWN_DIGESTS)
            .expireAfterWrite(Duration.ofDays(1))
            .build();

    Schedule(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Schedules one push; the same message for the same user again changes nothing. */
    Mono<Void> push(String userId, MessageRef message, Instant dueAt) {
        Update update = new Update()
                .setOnInsert("userId", userId)
                .setOnInsert("message", message)
                .setOnInsert("dueAt", dueAt)
                .setOnInsert("claimedUntil", UNCLAIMED);
        return mongo.upsert(query(where("_id").is(message.eventId() + ":" + userId)), update, PendingPush.class)
                .then();
    }

    /** Adds a message to the user's next digest, which is due {@code delay} after its first entry. */
    Mono<Void> digest(String userId, MessageRef message, Instant now, Duration delay) {
        Update entry = new Update()
                .setOnInsert("userId", userId)
                .setOnInsert("message", message)
                .setOnInsert("addedAt", now);
        Update digest = new Update()
                .setOnInsert("dueAt", now.plus(delay))
                .setOnInsert("claimedUntil", UNCLAIMED);
        Mono<Void> added = mongo.upsert(query(where("_id").is(userId + ":" + message.messageId())), entry,
                DigestEntry.class).then();
        Instant createdDue = createdDigests.getIfPresent(userId);
        if (createdDue != null && now.isBefore(createdDue.minus(DUE_MARGIN))) {
            return added;
        }
        Instant dueAt = now.plus(delay);
        return added.then(mongo.upsert(query(where("_id").is(userId)), digest, Digest.class))
                .doOnNext(result -> {
                    if (result.getUpsertedId() != null) {
                        createdDigests.put(userId, dueAt);
                    }
                })
                .then();
    }

    /** Claims due pushes, oldest first, for {@code lease}. */
    Flux<PendingPush> claimDuePushes(Instant now, Duration lease, int limit) {
        return mongo.find(due(now, limit), PendingPush.class)
                .concatMap(push -> mongo.findAndModify(claimable(push.id(), now),
                        Update.update("claimedUntil", now.plus(lease)), RETURN_NEW, PendingPush.class));
    }

    Mono<Void> pushDone(PendingPush push) {
        return mongo.remove(query(where("_id").is(push.id())), PendingPush.class).then();
    }

    /** Claims due digests, oldest first, for {@code lease}. */
    Flux<Digest> claimDueDigests(Instant now, Duration lease, int limit) {
        return mongo.find(due(now, limit), Digest.class)
                .concatMap(digest -> mongo.findAndModify(claimable(digest.userId(), now),
                        Update.update("claimedUntil", now.plus(lease)), RETURN_NEW, Digest.class));
    }

    /** The user's digest entries, oldest first. */
    Flux<DigestEntry> entriesOf(String userId) {
        return mongo.find(query(where("userId").is(userId)).with(Sort.by("addedAt")), DigestEntry.class);
    }

    /**
     * Removes the entries a digest dealt with. Entries that arrived while it was sent start the next digest, due
     * {@code delay} after the oldest of them; with none left the digest is removed. An entry added between that
     * check and the removal waits for the user's next message to schedule a digest again (single-document writes
     * only, as the embedded MongoDB has no transactions).
     */
    Mono<Void> digestDone(Digest digest, Collection<String> entryIds, Duration delay) {
        createdDigests.invalidate(digest.userId());
        return mongo.remove(query(where("_id").in(entryIds)), DigestEntry.class)
                .then(entriesOf(digest.userId()).next())
                .flatMap(oldest -> mongo.findAndModify(query(where("_id").is(digest.userId())),
                        new Update().set("dueAt", oldest.addedAt().plus(delay)).set("claimedUntil", UNCLAIMED),
                        UPSERT, Digest.class).then(Mono.just(true)))
                .switchIfEmpty(mongo.remove(query(where("_id").is(digest.userId())), Digest.class).thenReturn(true))
                .then();
    }

    private static Query due(Instant now, int limit) {
        return query(where("dueAt").lte(now).and("claimedUntil").lte(now))
                .with(Sort.by("dueAt"))
                .limit(limit);
    }

    private static Query claimable(String id, Instant now) {
        return query(where("_id").is(id).and("claimedUntil").lte(now));
    }
}
