package io.chatplatform.chat.message;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import io.chatplatform.chat.conversation.Conversation;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.outbox.OutboxMarkers;
import io.chatplatform.chat.outbox.OutboxUpdates;
import io.chatplatform.support.reactor.GroupCommit;
import org.bson.Document;
import java.util.function.LongFunction;
import org.springframework.context.ApplicationEventPublisher;
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
import reactor.core.publisher.MonoSink;
import reactor.util.retry.Retry;

/** The {@code messages} collection: seq assignment (see the package description), idempotency, history reads. */
@Component
public class MessageStore {

    /** Enough for dozens of writers racing in one conversation; each round one of them wins. */
    private static final int MAX_SEQ_ATTEMPTS = 200;
    /** Retries right after a lost race, at the seq after the winner's, before falling back to reading the log. */
    private static final int IMMEDIATE_SEQ_ATTEMPTS = 3;
    private static final String SEQ_INDEX = "conversation_seq_unique";
    /** Seqs looked up at once when searching upward for the latest one. */
    private static final int PROBE = 64;
    /** Entries read to find a conversation's newest message before giving up and searching the log. */
    private static final int LAST_MESSAGE_WINDOW = 16;
    /**
     * {@code lastSeq} is raised when a seq divisible by this is stored: it stays a lower bound within one probe of the
     * latest seq (usually this close), and most sends skip a write.
     */
    static final int LAST_SEQ_STRIDE = 16;
    /**
     * Seqs above the latest one known that {@link #newest} reads along with the page: two strides of {@code lastSeq},
     * so that an instance without a hint of its own usually finds the latest seq in the same read.
     */
    private static final int NEWEST_PROBE = 2 * LAST_SEQ_STRIDE;
    /** Unread counting stops here: a badge shows "500+" long before anyone reads them one by one. */
    public static final int UNREAD_CAP = 500;
    private static final int APPROVALS_PER_WRITE = 256;
    private static final List<String> CHANGE_KINDS =
            List.of(StoredMessage.EDIT, StoredMessage.DELETE, StoredMessage.HIDE);

    private final ReactiveMongoTemplate mongo;
    private final ConversationStore conversations;
    private final OutboxMarkers markers;
    private final Mono<Void> indexesReady;
    private final SeqHints seqHints = new SeqHints();
    private final ConversationAppendQueue appendQueue = new ConversationAppendQueue();
    private final LogInserts inserts;
    /** Approvals that arrive while one is being written go together in the next write. */
    private final GroupCommit<Approval> approvals = new GroupCommit<>(APPROVALS_PER_WRITE, this::approveAll,
            (approval, failure) -> approval.sink().error(failure));

    MessageStore(ReactiveMongoTemplate mongo, ConversationStore conversations, OutboxMarkers markers,
                 ApplicationEventPublisher events) {
        this.mongo = mongo;
        this.conversations = conversations;
        this.markers = markers;
        this.inserts = new LogInserts(mongo, markers, events);
        // Created once on first use and awaited by every operation: the unique indexes are what make seq and
        // idempotency correct, so no write may run before they exist.
        this.indexesReady = ensureIndexes().cache();
    }

    private Mono<Void> ensureIndexes() {
        return mongo.indexOps(StoredMessage.class)
                .createIndex(new Index().on("conversationId", Sort.Direction.ASC)
                        .on("seq", Sort.Direction.ASC)
                        .unique()
                        .named(SEQ_INDEX))
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
     * Stores the message built for the next seq, or finds the message an earlier send with the same
     * {@code (senderId, clientMsgId)} stored: the unique index refuses the insert of a repeat, and the earlier message
     * is read after the duplicate-key error and returned as a duplicate (nothing is looked up before the insert). The insert is the atomic step that claims the seq; a lost race tries the next. Appends into one
     * conversation take turns in this instance ({@link ConversationAppendQueue}), and the next seq comes from what
     * this instance already knows ({@link SeqHints}), so a send normally costs one insert and no read.
     */
    Mono<Appended> appendNew(String senderId, String clientMsgId, String conversationId,
                             LongFunction<StoredMessage> atSeq) {
        Mono<Appended> attempt = nextSeq(conversationId)
                .flatMap(seq -> inserts.insert(atSeq.apply(seq))
                        .doOnNext(stored -> seqHints.stored(conversationId, seq))
                        .map(stored -> new Appended(stored, false))
                        .onErrorResume(DuplicateKeyException.class, duplicate ->
                                existingOrSeqTaken(conversationId, seq, senderId, clientMsgId, duplicate)));
        return indexesReady.then(appendQueue.inTurn(conversationId, untilStored(conversationId, attempt)))
                .flatMap(appended -> appended.duplicate()
                        ? Mono.just(appended)
                        : raiseLastSeqEveryStride(conversationId, appended.message().seq()).thenReturn(appended));
    }

    /** See {@link #LAST_SEQ_STRIDE}; the probe that finds the latest seq covers {@value #PROBE} seqs per lookup. */
    private Mono<Void> raiseLastSeqEveryStride(String conversationId, long seq) {
        return seq % LAST_SEQ_STRIDE == 0 ? conversations.raiseLastSeq(conversationId, seq) : Mono.empty();
    }

    private <T> Mono<T> untilStored(String conversationId, Mono<T> attempt) {
        return Mono.defer(() -> attempt)
                // A lost race leaves the hint at the seq the winner took: the next one is tried at once ...
                .retryWhen(Retry.max(IMMEDIATE_SEQ_ATTEMPTS)
                        .filter(SeqTaken.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                // ... but when others keep winning (another instance ahead of the hint), search again and back off.
                .doOnError(SeqTaken.class, taken -> seqHints.forget(conversationId))
                .retryWhen(Retry.backoff(MAX_SEQ_ATTEMPTS, Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(20))
                        .jitter(1.0)
                        .filter(SeqTaken.class::isInstance));
    }

    /** The seq after the latest one this instance knows is stored, else after the latest one in the log. */
    private Mono<Long> nextSeq(String conversationId) {
        return Mono.defer(() -> {
            Long known = seqHints.latest(conversationId);
            return known != null ? Mono.just(known + 1) : latestSeq(conversationId).map(latest -> latest + 1);
        });
    }

    /**
     * Tells the relay where the entry's events are, still in the conversation's turn, so markers appear in seq
     * order. A failure here loses nothing: the events are stored with the entry, and the relay's periodic search of
     * pending outboxes finds them, later.
     */
    private Mono<StoredMessage> marked(StoredMessage stored) {
        return markers.mark(OutboxMarkers.MESSAGE, stored.id(), stored.conversationId(), stored.seq())
                .onErrorResume(failure -> Mono.empty())
                .thenReturn(stored);
    }

    /** Entries by id with their outboxes, for the relay. */
    public Flux<StoredMessage> withEvents(java.util.Collection<String> ids) {
        return mongo.find(query(where("_id").in(ids)), StoredMessage.class);
    }

    /** After a duplicate key: either this very send was stored (a concurrent retry won), or the seq was taken. */
    private Mono<Appended> existingOrSeqTaken(String conversationId, long seq, String senderId, String clientMsgId,
                                              DuplicateKeyException duplicate) {
        return findBySender(senderId, clientMsgId)
                .map(existing -> new Appended(existing, true))
                .switchIfEmpty(Mono.fromRunnable(() -> learnTakenSeq(conversationId, seq, duplicate))
                        .then(Mono.error(SeqTaken::new)));
    }

    /**
     * Only a refusal by the seq index proves that {@code seq} is stored; any other duplicate key (an id collision)
     * teaches nothing, and the hint is dropped so that the retry searches the log.
     */
    private void learnTakenSeq(String conversationId, long seq, DuplicateKeyException duplicate) {
        String message = duplicate.getMessage();
        if (message != null && message.contains(SEQ_INDEX)) {
            seqHints.stored(conversationId, seq);
        } else {
            seqHints.forget(conversationId);
        }
    }

    Mono<StoredMessage> findBySender(String senderId, String clientMsgId) {
        return indexesReady.then(mongo.findOne(query(where("senderId").is(senderId).and("clientMsgId").is(clientMsgId)),
                StoredMessage.class));
    }

    Mono<StoredMessage> find(String conversationId, String messageId) {
        return indexesReady.then(mongo.findOne(query(where("_id").is(messageId).and("conversationId").is(conversationId)),
                StoredMessage.class));
    }

    /** The conversation's highest seq, 0 when it has no messages. */
    public Mono<Long> latestSeq(String conversationId) {
        return conversations.findIncludingDeleted(conversationId)
                .map(this::latestSeq)
                .defaultIfEmpty(latestSeqFrom(conversationId, -1))
                .flatMap(latest -> latest);
    }

    /** The conversation's highest seq, 0 when it has no messages, starting from what the document already says. */
    public Mono<Long> latestSeq(Conversation conversation) {
        Long hint = seqHints.latest(conversation.id());
        return latestSeqFrom(conversation.id(), Math.max(hint == null ? -1 : hint, conversation.knownSeq()));
    }

    /**
     * Searches upward from {@code floor}, a seq known to be stored (0: none known), {@value #PROBE} seqs per lookup:
     * seqs are gap-free above it, so the highest one found below a missing one is the latest. Usually one lookup
     * that finds nothing. A negative floor (a document older than {@code lastSeq}) reads the log once and records
     * the answer on the conversation.
     */
    private Mono<Long> latestSeqFrom(String conversationId, long floor) {
        if (floor < 0) {
            return latestSeqInLog(conversationId)
                    .flatMap(latest -> conversations.raiseLastSeq(conversationId, latest).thenReturn(latest))
                    .doOnNext(latest -> seqHints.stored(conversationId, latest));
        }
        return window(conversationId, floor + 1, floor + PROBE, false)
                .map(StoredMessage::seq)
                .reduce(floor, Math::max)
                .flatMap(found -> found == floor + PROBE
                        ? latestSeqFrom(conversationId, found)
                        : Mono.just(found))
                .doOnNext(latest -> {
                    if (latest > 0) {
                        seqHints.stored(conversationId, latest);
                    }
                });
    }

    /** The highest seq by sorting the conversation's log: for documents that predate {@code lastSeq}. */
    private Mono<Long> latestSeqInLog(String conversationId) {
        Query newest = query(where("conversationId").is(conversationId))
                .with(Sort.by(Sort.Direction.DESC, "seq"))
                .limit(1);
        newest.fields().include("seq");
        // Read as a plain document: the projection leaves the record's other fields unset.
        return indexesReady.then(mongo.findOne(newest, Document.class, "messages"))
                .map(document -> document.get("seq", Number.class).longValue())
                .defaultIfEmpty(0L);
    }

    /**
     * Entries with {@code fromSeq <= seq <= toSeq}, looked up by seq ({@code $in} on the unique (conversation, seq)
     * index: exact lookups on MongoDB and on the embedded server alike), ascending or descending.
     *
     * <p>Sorted here rather than by the server, and read whole rather than without the outbox: a window holds at
     * most 1,001 entries (a page and one more, or the unread entries counted); the embedded server sorts by comparing
     * documents field by field and answers a projection with a deep copy of every document (together 13% of a
     * profile of history reads at 500 pages/s). An entry's outbox is empty once the relay has published it, normally
     * milliseconds after the send.
     */
    private Flux<StoredMessage> window(String conversationId, long fromSeq, long toSeq, boolean descending) {
        long from = Math.max(1, fromSeq);
        if (from > toSeq) {
            return Flux.empty();
        }
        List<Long> seqs = LongStream.rangeClosed(from, toSeq).boxed().toList();
        Query entries = query(where("conversationId").is(conversationId).and("seq").in(seqs));
        Comparator<StoredMessage> bySeq = Comparator.comparingLong(StoredMessage::seq);
        return indexesReady.thenMany(mongo.find(entries, StoredMessage.class))
                .collectSortedList(descending ? bySeq.reversed() : bySeq)
                .flatMapIterable(sorted -> sorted);
    }

    /**
     * The newest {@code count} entries (newest first) and the conversation's latest seq. One read: the window below the
     * latest seq this instance knows and {@value #NEWEST_PROBE} seqs above it, where entries stored by another instance
     * show up; seqs are gap-free, so the highest one found is the latest unless the whole probe was taken (then the
     * search goes on upward and the window is read again). Saves the separate lookup of the latest seq that
     * {@link #latestSeq} and {@link #range} make for the first page of a conversation.
     */
    Mono<Newest> newest(Conversation conversation, int count) {
        String conversationId = conversation.id();
        Long hint = seqHints.latest(conversationId);
        long floor = Math.max(hint == null ? -1 : hint, conversation.knownSeq());
        if (floor < 0) {
            return latestSeq(conversation).flatMap(latest -> newestBelow(conversationId, count, latest));
        }
        return window(conversationId, floor - count + 1, floor + NEWEST_PROBE, true)
                .collectList()
                .flatMap(rows -> {
                    long found = rows.isEmpty() ? floor : Math.max(floor, rows.get(0).seq());
                    if (found == floor + NEWEST_PROBE) {
                        return latestSeqFrom(conversationId, found)
                                .flatMap(latest -> newestBelow(conversationId, count, latest));
                    }
                    if (found > 0) {
                        seqHints.stored(conversationId, found);
                    }
                    long bottom = found - count + 1;
                    return Mono.just(new Newest(rows.stream().filter(row -> row.seq() >= bottom).toList(), found));
                });
    }

    private Mono<Newest> newestBelow(String conversationId, int count, long latest) {
        return range(conversationId, 0, 0, count, false, latest).collectList().map(rows -> new Newest(rows, latest));
    }

    /** See {@link #newest}. */
    record Newest(List<StoredMessage> entries, long latestSeq) {
    }

    /**
     * Up to {@code limit} entries with {@code after < seq < before} (0 = unbounded), ascending from {@code after} or
     * descending from {@code before} (or from {@code latest}). Seqs are gap-free, so the page is a window of seqs
     * looked up by key; only retention leaves holes, at the old end: an ascending page that meets one reads the log
     * in seq order instead.
     */
    Flux<StoredMessage> range(String conversationId, long after, long before, int limit, boolean ascending,
                              long latest) {
        long top = before > 0 ? Math.min(before - 1, latest) : latest;
        if (ascending) {
            long to = Math.min(top, after + limit);
            long expected = Math.max(0, to - after);
            return window(conversationId, after + 1, to, false)
                    .collectList()
                    .flatMapMany(rows -> rows.size() == expected
                            ? Flux.fromIterable(rows)
                            : rangeInLog(conversationId, after, before, limit, true));
        }
        long bottom = Math.max(after + 1, top - limit + 1);
        return window(conversationId, bottom, top, true);
    }

    /** The same page by scanning the conversation's log in seq order: after retention removed part of a window. */
    private Flux<StoredMessage> rangeInLog(String conversationId, long after, long before, int limit,
                                           boolean ascending) {
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

    /**
     * Messages with unpublished events after {@code (conversationId, seq)} in (conversation, seq) order, from the first
     * when {@code conversationId} is null; without their events (the relay reads those when it publishes).
     */
    public Flux<StoredMessage> pendingOutboxAfter(String conversationId, long seq, int limit) {
        Criteria pending = where("outboxPending").is(true);
        if (conversationId != null) {
            pending = pending.orOperator(where("conversationId").gt(conversationId),
                    where("conversationId").is(conversationId).and("seq").gt(seq));
        }
        Query page = query(pending).with(Sort.by("conversationId", "seq")).limit(limit);
        page.fields().exclude("pendingEvents");
        return indexesReady.thenMany(mongo.find(page, StoredMessage.class));
    }

    /** One conversation's messages with unpublished events, seq in {@code (afterSeq, upToSeq]}, in seq order. */
    public Flux<StoredMessage> pendingOutboxOf(String conversationId, long afterSeq, long upToSeq, int limit) {
        Query page = query(where("outboxPending").is(true).and("conversationId").is(conversationId)
                .and("seq").gt(afterSeq).lte(upToSeq))
                .with(Sort.by("seq"))
                .limit(limit);
        page.fields().exclude("pendingEvents");
        return indexesReady.thenMany(mongo.find(page, StoredMessage.class));
    }

    /** Clears the published events from a batch of entries' outboxes, in one round trip. */
    public Mono<Void> markAllPublished(java.util.Map<String, List<String>> publishedEventIds) {
        return OutboxUpdates.markAllPublished(mongo, StoredMessage.class, publishedEventIds);
    }

    /**
     * Stores a change entry (edit, delete, hide) with the next seq. Its {@code clientMsgId} is derived from its own id,
     * so the idempotency index never confuses it with a message; there is nothing to look up first.
     */
    Mono<StoredMessage> appendChange(String conversationId, LongFunction<StoredMessage> atSeq) {
        Mono<StoredMessage> attempt = nextSeq(conversationId)
                .flatMap(seq -> inserts.insert(atSeq.apply(seq))
                        .doOnNext(stored -> seqHints.stored(conversationId, seq))
                        .onErrorResume(DuplicateKeyException.class, duplicate ->
                                Mono.fromRunnable(() -> learnTakenSeq(conversationId, seq, duplicate))
                                        .then(Mono.error(SeqTaken::new))));
        return indexesReady.then(appendQueue.inTurn(conversationId, untilStored(conversationId, attempt)))
                .flatMap(stored -> raiseLastSeqEveryStride(conversationId, stored.seq()).thenReturn(stored));
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
                .flatMap(this::marked)
                .flatMap(released -> mongo.updateMulti(changesOf(held, StoredMessage.EDIT),
                                new Update().set("moderationState", StoredMessage.APPROVED), StoredMessage.class)
                        .thenReturn(released));
    }

    /**
     * Marks a post-moderated message as approved by moderation ({@code pending} to {@code approved}); false if it is
     * not pending (held, hidden, approved already or not found). Nothing is published: its readers saw it already,
     * and nothing they see changes but the state in history.
     *
     * <p>Nearly every message gets one approval (the asynchronous check of post-moderated messages), so approvals
     * that arrive while one is being written go together in one update ({@link GroupCommit}). A batch learns only how
     * many it changed: when that is fewer than it holds, each of its approvals answers false and its caller looks at
     * the message itself (whether it is held), which is what false asks for anyway.
     */
    Mono<Boolean> approve(String conversationId, String messageId) {
        return Mono.create(sink -> approvals.add(new Approval(conversationId, messageId, sink)));
    }

    private Mono<Void> approveAll(List<Approval> batch) {
        // Message ids are unique across conversations: matching the ids and the set of their conversations is the
        // pairs' match, and both are indexed.
        Set<String> ids = new HashSet<>();
        Set<String> conversationIds = new HashSet<>();
        for (Approval approval : batch) {
            ids.add(approval.messageId());
            conversationIds.add(approval.conversationId());
        }
        return mongo.updateMulti(query(where("_id").in(ids).and("conversationId").in(conversationIds)
                                .and("kind").is(StoredMessage.MESSAGE)
                                .and("moderationState").is(StoredMessage.PENDING)),
                        new Update().set("moderationState", StoredMessage.APPROVED), StoredMessage.class)
                .doOnNext(result -> {
                    boolean all = result.getModifiedCount() == batch.size();
                    batch.forEach(approval -> approval.sink().success(all));
                })
                .then();
    }

    private record Approval(String conversationId, String messageId, MonoSink<Boolean> sink) {
    }

    /** Records a verdict that keeps a message held (for review); empty if it is no longer held. */
    Mono<StoredMessage> recordVerdict(StoredMessage held, StoredMessage.HiddenBy verdict) {
        return mongo.findAndModify(query(where("_id").is(held.id()).and("moderationState").is(StoredMessage.HELD)),
                new Update().set("moderation", verdict), FindAndModifyOptions.options().returnNew(true),
                StoredMessage.class);
    }

    /**
     * Held messages stored before {@code before} without a verdict, and those whose verdict (held for review) is older
     * than {@code reviewedBefore}, oldest first (the re-check sweep).
     */
    Flux<StoredMessage> heldBefore(Instant before, Instant reviewedBefore, int limit) {
        Query held = query(where("moderationState").is(StoredMessage.HELD).orOperator(
                        where("createdAt").lt(before).and("moderation").is(null),
                        where("moderation.at").lt(reviewedBefore)))
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
    public Mono<Long> purgeBefore(Conversation conversation, Instant cutoff) {
        String conversationId = conversation.id();
        return latestSeq(conversation)
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

    /**
     * The newest message (not change) of a conversation: among the last {@value #LAST_MESSAGE_WINDOW} entries, else
     * (a run of edits and deletes) by scanning the log.
     */
    Mono<StoredMessage> lastMessage(Conversation conversation) {
        return newest(conversation, LAST_MESSAGE_WINDOW)
                .flatMap(newest -> Flux.fromIterable(newest.entries())
                        .filter(StoredMessage::isMessage)
                        .next()
                        .switchIfEmpty(Mono.defer(() -> newest.latestSeq() > LAST_MESSAGE_WINDOW
                                ? lastMessageInLog(conversation.id())
                                : Mono.empty())));
    }

    private Mono<StoredMessage> lastMessageInLog(String conversationId) {
        Query newest = query(where("conversationId").is(conversationId).and("kind").nin(CHANGE_KINDS))
                .with(Sort.by(Sort.Direction.DESC, "seq"))
                .limit(1);
        newest.fields().exclude("pendingEvents");
        return indexesReady.then(mongo.findOne(newest, StoredMessage.class));
    }

    /**
     * Messages others sent after {@code afterSeq} that are still readable: what "unread" counts, up to
     * {@value #UNREAD_CAP} (the entries after the marker are read by seq, at most that many).
     */
    Mono<Long> unreadCount(Conversation conversation, String userId, long afterSeq) {
        return latestSeq(conversation)
                .flatMapMany(latest -> window(conversation.id(), afterSeq + 1,
                        Math.min(latest, afterSeq + UNREAD_CAP), false))
                .filter(entry -> entry.isMessage()
                        && !entry.senderId().equals(userId)
                        && !entry.deleted()
                        && !entry.isHidden()
                        && !entry.isHeld())
                .count();
    }

    /** The seq this attempt chose was stored by another writer first; try the next one. */
    static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super("seq taken by a concurrent writer", null, false, false);
        }
    }
}
