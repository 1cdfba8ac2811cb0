package io.chatplatform.chat.message;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.outbox.PendingEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
                .then();
    }

    /** Result of an append: the stored message, and whether it was stored earlier by the same send. */
    public record Appended(StoredMessage message, boolean duplicate) {
    }

    /**
     * Stores the message built for the next seq, or returns the one already stored for {@code (senderId,
     * clientMsgId)}. The insert is the atomic step that claims the seq; a lost race re-reads and tries the next.
     */
    Mono<Appended> append(String conversationId, String senderId, String clientMsgId, LongFunction<StoredMessage> atSeq) {
        Mono<Appended> attempt = latestSeq(conversationId)
                .map(latest -> atSeq.apply(latest + 1))
                .flatMap(mongo::insert)
                .map(stored -> new Appended(stored, false))
                .onErrorResume(DuplicateKeyException.class, duplicate -> existingOrSeqTaken(senderId, clientMsgId));
        return indexesReady.then(findBySender(senderId, clientMsgId))
                .map(existing -> new Appended(existing, true))
                .switchIfEmpty(Mono.defer(() -> attempt)
                        .retryWhen(Retry.backoff(MAX_SEQ_ATTEMPTS, Duration.ofMillis(1))
                                .maxBackoff(Duration.ofMillis(20))
                                .jitter(1.0)
                                .filter(SeqTaken.class::isInstance)));
    }

    /** After a duplicate key: either this very send was stored (a concurrent retry won), or the seq was taken. */
    private Mono<Appended> existingOrSeqTaken(String senderId, String clientMsgId) {
        return findBySender(senderId, clientMsgId)
                .map(existing -> new Appended(existing, true))
                .switchIfEmpty(Mono.error(SeqTaken::new));
    }

    Mono<StoredMessage> findBySender(String senderId, String clientMsgId) {
        return mongo.findOne(query(where("senderId").is(senderId).and("clientMsgId").is(clientMsgId)),
                StoredMessage.class);
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
        Query unchanged = query(where("_id").is(messageId)
                .and("pendingEvents").size(publishedEventIds.size()));
        Update done = new Update().set("outboxPending", false)
                .unset("pendingEvents");
        Update pullPublished = new Update().pull("pendingEvents",
                new Document("eventId", new Document("$in", publishedEventIds)));
        return mongo.updateFirst(unchanged, done, StoredMessage.class)
                .flatMap(result -> result.getModifiedCount() > 0
                        ? Mono.empty()
                        : mongo.updateFirst(query(where("_id").is(messageId)), pullPublished, StoredMessage.class))
                .then();
    }

    /** Sets the new text and queues the event, unless the message was deleted meanwhile (then empty). */
    Mono<StoredMessage> edit(StoredMessage message, String text, Instant at) {
        PendingEvent event = MessageEvents.edited(message, text, at);
        Update update = new Update().set("text", text)
                .set("editedAt", at)
                .set("outboxPending", true)
                .push("pendingEvents", event);
        return mongo.findAndModify(query(where("_id").is(message.id()).and("deleted").is(false)), update,
                FindAndModifyOptions.options().returnNew(true), StoredMessage.class);
    }

    /** Makes the message a tombstone and queues the event; a second delete finds nothing to change and emits nothing. */
    Mono<StoredMessage> delete(StoredMessage message, String userId, Instant at) {
        PendingEvent event = MessageEvents.deleted(message, userId, at);
        Update update = new Update().set("text", "")
                .set("deleted", true)
                .set("editedAt", at)
                .set("outboxPending", true)
                .push("pendingEvents", event);
        return mongo.findAndModify(query(where("_id").is(message.id()).and("deleted").is(false)), update,
                FindAndModifyOptions.options().returnNew(true), StoredMessage.class);
    }

    /** The seq this attempt chose was stored by another writer first; try the next one. */
    static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super("seq taken by a concurrent writer", null, false, false);
        }
    }
}
