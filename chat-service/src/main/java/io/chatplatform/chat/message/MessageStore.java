package io.chatplatform.chat.message;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import io.chatplatform.chat.outbox.OutboxUpdates;
import org.bson.Document;
import java.util.function.LongFunction;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** The {@code messages} collection: seq assignment (see the package description), idempotency, history reads. */
@Component
public class MessageStore {

    /** Enough for dozens of writers racing in one conversation; each round one of them wins. */
    private static final int MAX_SEQ_ATTEMPTS = 200;
    private static final List<String> CHANGE_KINDS =
            List.of(StoredMessage.EDIT, StoredMessage.DELETE, StoredMessage.HIDE);

    private final ReactiveMongoTemplate mongo;
    private final Mono<Void> indexesReady;

    MessageStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
        // Created once on first use and awaited by every operation: the unique indexes are what make seq and
        // idempotency correct, so no write may run before they exist.
        this.indexesReady = ensureIndexes().cache();
    }

    private Mono<Void> ensureIndexes() {
        return mongo.indexOps(StoredMessage.class)
                .createIndex(new Index().on("conversationId", Sort.Direction.ASC)
                        .on("seq", Sort.Direction.ASC)
                        .unique()
                        .named("conversation_seq_unique"))
                .then(mongo.indexOps(StoredMessage.class)
                        .createIndex(new Index().on("senderId", Sort.Direction.ASC)
                                .on("clientMsgId", Sort.Direction.ASC)
                                .unique()
                                .named("sender_client_msg_unique")))
                .then(mongo.indexOps(StoredMessage.class)
                        .createIndex(new Index().on("outboxPending", Sort.Direction.ASC)
                                .on("conversationId", Sort.Direction.ASC)
                                .on("seq", Sort.Direction.ASC)
                                .named("outbox_pending")))
                .then(mongo.indexOps(StoredMessage.class)
                        .createIndex(new Index().on("moderationState", Sort.Direction.ASC)
                                .on("createdAt", Sort.Direction.ASC)
                                .named("moderation_state_created")))
                .then(mongo.indexOps(StoredMessage.class)
                        .createIndex(new Index().on("targetId", Sort.Direction.ASC)
                                .sparse()
                                .named("change_target")))
                .then();
    }

    /** Result of an append: the stored message, and whether it was stored earlier by the same send. */
    public record Appended(StoredMessage message, boolean duplicate) {
    }

    /**
     * Stores the message built for the next seq. The caller has looked {@code (senderId, clientMsgId)} up and found
     * nothing; a concurrent repeat that stores first is still found after the duplicate-key error and returned as a
     * duplicate. The insert is the atomic step that claims the seq; a lost race re-reads and tries the next.
     */
    Mono<Appended> appendNew(String senderId, String clientMsgId, String conversationId,
                             LongFunction<StoredMessage> atSeq) {
        Mono<Appended> attempt = latestSeq(conversationId)
                .map(latest -> atSeq.apply(latest + 1))
                .flatMap(mongo::insert)
                .map(stored -> new Appended(stored, false))
                .onErrorResume(DuplicateKeyException.class, duplicate -> existingOrSeqTaken(senderId, clientMsgId));
        return indexesReady.then(withSeqRetries(attempt));
    }

    private static Mono<Appended> withSeqRetries(Mono<Appended> attempt) {
        return attempt.retryWhen(Retry.backoff(MAX_SEQ_ATTEMPTS, Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(20))
                .jitter(1.0)
                .filter(SeqTaken.class::isInstance));
    }

    /** After a duplicate key: either this very send was stored (a concurrent retry won), or the seq was taken. */
    private Mono<Appended> existingOrSeqTaken(String senderId, String clientMsgId) {
        return findBySender(senderId, clientMsgId)
                .map(existing -> new Appended(existing, true))
                .switchIfEmpty(Mono.error(SeqTaken::new));
    }

    Mono<StoredMessage> findBySender(String senderId, String clientMsgId) {
        return indexesReady.then(mongo.findOne(query(where("senderId").is(senderId).and("clientMsgId").is(clientMsgId)),
                StoredMessage.class));
    }

    Mono<StoredMessage> find(String conversationId, String messageId) {
        return indexesReady.then(mongo.findOne(query(where("_id").is(messageId).and("conversationId").is(conversationId)),
                StoredMessage.class));
    }

    /** The conversation's highest seq, 0 when it has no messages; one index entry read. */
    public Mono<Long> latestSeq(String conversationId) {
        Query newest = query(where("conversationId").is(conversationId))
                .with(Sort.by(Sort.Direction.DESC, "seq"))
                .limit(1);
        newest.fields().include("seq");
        // Read as a plain document: the projection leaves the record's other fields unset.
        return indexesReady.then(mongo.findOne(newest, Document.class, "messages"))
                .map(document -> document.get("seq", Number.class).longValue())
                .defaultIfEmpty(0L);
    }

    /** Up to {@code limit} messages with {@code after < seq < before} (0 = unbounded), ascending or descending. */
    Flux<StoredMessage> range(String conversationId, long after, long before, int limit, boolean ascending) {
        Criteria criteria = where("conversationId").is(conversationId);
        if (after > 0 && before > 0) {
            criteria = criteria.and("seq").gt(after).lt(before);
        } else if (after > 0) {
            criteria = criteria.and("seq").gt(after);
        } else if (before > 0) {
            criteria = criteria.and("seq").lt(before);
        }
        Query page = query(criteria)
                .with(Sort.by(ascending ? Sort.Direction.ASC : Sort.Direction.DESC, "seq"))
                .limit(limit);
        page.fields().exclude("pendingEvents");
        return indexesReady.thenMany(mongo.find(page, StoredMessage.class));
    }

    /** Messages with unpublished events, in seq order per conversation (the order they must be published in). */
    public Flux<StoredMessage> pendingOutbox(int limit) {
        Query pending = query(where("outboxPending").is(true))
                .with(Sort.by("conversationId", "seq"))
                .limit(limit);
        return indexesReady.thenMany(mongo.find(pending, StoredMessage.class));
    }

    /**
     * Clears the published events from a message's outbox. If an edit or delete queued another event meanwhile, only
     * the published ones are pulled and the message stays pending for the next poll.
     */
    public Mono<Void> markPublished(String messageId, List<String> publishedEventIds) {
        return OutboxUpdates.markPublished(mongo, StoredMessage.class, messageId, publishedEventIds).then();
    }

    /**
     * Stores a change entry (edit, delete, hide) with the next seq. Its {@code clientMsgId} is derived from its own id,
     * so the idempotency index never confuses it with a message; there is nothing to look up first.
     */
    Mono<StoredMessage> appendChange(String conversationId, LongFunction<StoredMessage> atSeq) {
        Mono<StoredMessage> attempt = latestSeq(conversationId)
                .map(latest -> atSeq.apply(latest + 1))
                .flatMap(mongo::insert)
                .onErrorMap(DuplicateKeyException.class, duplicate -> new SeqTaken());
        return indexesReady.then(Mono.defer(() -> attempt)
                .retryWhen(Retry.backoff(MAX_SEQ_ATTEMPTS, Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(20))
                        .jitter(1.0)
                        .filter(SeqTaken.class::isInstance)));
    }

    /** Applies an edit to the message itself, unless it was deleted or hidden meanwhile (then empty). */
    Mono<StoredMessage> applyEdit(StoredMessage change) {
        Update update = new Update().set("text", change.text())
                .set("editedAt", change.createdAt());
        return mongo.findAndModify(query(where("_id").is(change.targetId()).and("deleted").is(false)
                        .and("moderationState").ne(StoredMessage.HIDDEN)), update,
                FindAndModifyOptions.options().returnNew(true), StoredMessage.class);
    }

    /** Empties an edit entry whose message was deleted or hidden before the edit could apply. */
    Mono<Void> voidChange(StoredMessage change) {
        return mongo.updateFirst(query(where("_id").is(change.id())), new Update().set("text", "").set("deleted", true),
                StoredMessage.class).then();
    }

    /**
     * Makes the message a tombstone, unless it already is one (then empty: a second delete takes no seq and emits
     * nothing). The text of its edit entries goes too: a deleted message leaves no readable trace.
     */
    Mono<StoredMessage> markDeleted(StoredMessage target, Instant at) {
        Update update = new Update().set("text", "")
                .set("deleted", true)
                .set("editedAt", at);
        return mongo.findAndModify(query(where("_id").is(target.id()).and("deleted").is(false)), update,
                        FindAndModifyOptions.options().returnNew(true), StoredMessage.class)
                .flatMap(deleted -> mongo.updateMulti(changesOf(target, StoredMessage.EDIT),
                                new Update().set("text", ""), StoredMessage.class)
                        .thenReturn(deleted));
    }

    /**
     * Hides the message for moderation, unless it already is hidden (then empty). The text stays stored for audit;
     * its edit entries are hidden with it, since they carry text too.
     */
    Mono<StoredMessage> markHidden(StoredMessage target, StoredMessage.HiddenBy by) {
        Update update = new Update().set("moderationState", StoredMessage.HIDDEN)
                .set("moderation", by);
        return mongo.findAndModify(query(where("_id").is(target.id())
                                .and("moderationState").ne(StoredMessage.HIDDEN)), update,
                        FindAndModifyOptions.options().returnNew(true), StoredMessage.class)
                .flatMap(hidden -> mongo.updateMulti(changesOf(target, StoredMessage.EDIT),
                                new Update().set("moderationState", StoredMessage.HIDDEN), StoredMessage.class)
                        .thenReturn(hidden));
    }

    /** Releases a held message and queues {@code message.released}; empty if it is no longer held. */
    Mono<StoredMessage> release(StoredMessage held) {
        StoredMessage approved = new StoredMessage(held.id(), held.conversationId(), held.conversationKind(),
                held.participants(), held.seq(), held.kind(), held.senderId(), held.clientMsgId(), held.text(),
                held.replyTo(), held.mentions(), held.createdAt(), true, List.of(), held.editedAt(), held.deleted(),
                StoredMessage.APPROVED, null, null, 0L);
        Update update = new Update().set("moderationState", StoredMessage.APPROVED)
                .set("outboxPending", true)
                .push("pendingEvents", MessageEvents.released(approved));
        return mongo.findAndModify(query(where("_id").is(held.id()).and("moderationState").is(StoredMessage.HELD)),
                        update, FindAndModifyOptions.options().returnNew(true), StoredMessage.class)
                .flatMap(released -> mongo.updateMulti(changesOf(held, StoredMessage.EDIT),
                                new Update().set("moderationState", StoredMessage.APPROVED), StoredMessage.class)
                        .thenReturn(released));
    }

    /** Records a verdict that keeps a message held (for review); empty if it is no longer held. */
    Mono<StoredMessage> recordVerdict(StoredMessage held, StoredMessage.HiddenBy verdict) {
        return mongo.findAndModify(query(where("_id").is(held.id()).and("moderationState").is(StoredMessage.HELD)),
                new Update().set("moderation", verdict), FindAndModifyOptions.options().returnNew(true),
                StoredMessage.class);
    }

    /** Held messages stored before {@code before} without a verdict, oldest first (the re-check sweep). */
    Flux<StoredMessage> heldBefore(Instant before, int limit) {
        Query held = query(where("moderationState").is(StoredMessage.HELD).and("createdAt").lt(before)
                .and("moderation").is(null))
                .with(Sort.by("createdAt"))
                .limit(limit);
        held.fields().exclude("pendingEvents");
        return indexesReady.thenMany(mongo.find(held, StoredMessage.class));
    }

    private static Query changesOf(StoredMessage target, String kind) {
        return query(where("conversationId").is(target.conversationId())
                .and("targetId").is(target.id())
                .and("kind").is(kind));
    }

    /**
     * Removes a conversation's entries stored before {@code cutoff}. The newest entry always stays (a tombstone
     * without text if it expired too): the next seq is computed from it, so removing it would restart the sequence.
     * Entries whose events are not yet published stay until the relay has published them. Plain
     * {@code deleteMany}/{@code updateFirst}: MongoDB and the embedded server run them alike.
     *
     * @return how many entries were removed or emptied
     */
    public Mono<Long> purgeBefore(String conversationId, Instant cutoff) {
        return latestSeq(conversationId)
                .filter(latest -> latest > 0)
                .flatMap(latest -> mongo.remove(query(where("conversationId").is(conversationId)
                                        .and("seq").lt(latest)
                                        .and("createdAt").lt(cutoff)
                                        .and("outboxPending").is(false)), StoredMessage.class)
                        .map(result -> result.getDeletedCount())
                        .zipWith(mongo.updateFirst(query(where("conversationId").is(conversationId)
                                                .and("seq").is(latest)
                                                .and("createdAt").lt(cutoff)
                                                .and("text").ne("")),
                                        new Update().set("text", "").set("deleted", true).set("mentions", List.of()),
                                        StoredMessage.class)
                                .map(result -> result.getModifiedCount()), Long::sum))
                .defaultIfEmpty(0L);
    }

    /** Removes every entry of a conversation (a deleted room); emits how many. */
    public Mono<Long> removeAll(String conversationId) {
        return mongo.remove(query(where("conversationId").is(conversationId)), StoredMessage.class)
                .map(result -> result.getDeletedCount());
    }

    /** The newest message (not change) of a conversation. */
    Mono<StoredMessage> lastMessage(String conversationId) {
        Query newest = query(where("conversationId").is(conversationId).and("kind").nin(CHANGE_KINDS))
                .with(Sort.by(Sort.Direction.DESC, "seq"))
                .limit(1);
        newest.fields().exclude("pendingEvents");
        return indexesReady.then(mongo.findOne(newest, StoredMessage.class));
    }

    /** Messages others sent after {@code afterSeq} that are still readable: what "unread" counts. */
    Mono<Long> unreadCount(String conversationId, String userId, long afterSeq) {
        return indexesReady.then(mongo.count(query(where("conversationId").is(conversationId)
                .and("seq").gt(afterSeq)
                .and("kind").nin(CHANGE_KINDS)
                .and("senderId").ne(userId)
                .and("deleted").is(false)
                .and("moderationState").nin(StoredMessage.HIDDEN, StoredMessage.HELD)), StoredMessage.class));
    }

    /** The seq this attempt chose was stored by another writer first; try the next one. */
    static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super("seq taken by a concurrent writer", null, false, false);
        }
    }
}
