package io.chatplatform.chat.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.InsertManyOptions;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
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
import reactor.core.publisher.Sinks;

/**
 * The relay's to-do list: one small document per message, room or membership whose outbox has unpublished events.
 *
 * <p>The events themselves stay inside the document they are about (written with it, atomically); a marker is
 * written right after, and only says where to look. The relay reads this collection, which holds only what is
 * pending, instead of searching the whole message log for pending outboxes; that search still runs now and then, to
 * catch the rare outbox whose marker was never written (a crash between the two writes). Writing a marker also rings
 * this instance's relay, so an event goes out at once rather than at the next poll.
 */
@Component
public class OutboxMarkers {

    public static final String MESSAGE = "message";
    public static final String ROOM = "room";
    public static final String MEMBER = "member";

    static final String COLLECTION = "outbox";

    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);
    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final ReactiveMongoTemplate mongo;
    /** Markers this instance may hold for the relay before it gives up on them and lets the relay search instead. */
    private static final int MAX_WRITTEN = 20_000;

    private final Sinks.Many<Boolean> doorbell = Sinks.many().multicast().directBestEffort();
    /**
     * The markers this instance wrote and the relay has not taken yet, in the order they were written, which for one
     * conversation is seq order (a conversation's appends take turns). The relay takes them from here instead of
     * reading and sorting the whole collection for each batch.
     */
    private final Queue<Marker> written = new ConcurrentLinkedQueue<>();
    private final AtomicInteger writtenCount = new AtomicInteger();
    private volatile boolean writtenLost;
    /** Written into each marker: this process's markers are in {@link #written}, so its relay looks up only others'. */
    private final String writer = UUID.randomUUID().toString();

    /**
     * The index the relay reads markers in order by. Only reads wait for it (a marker written before it exists is
     * indexed when it is built), and only a success is kept: a failure is tried again by the next read.
     */
    private final Mono<Void> orderIndexReady;

    public OutboxMarkers(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
        this.orderIndexReady = Mono.defer(() -> mongo.indexOps(COLLECTION)
                        .createIndex(new Index().on("conversationId", Sort.Direction.ASC)
                                .on("seq", Sort.Direction.ASC)
                                .on("_id", Sort.Direction.ASC)
                                .named("outbox_order")))
                .then()
                .cache(done -> FOREVER, failed -> Duration.ZERO, () -> FOREVER);
    }

    /**
     * Records that {@code documentId} (of {@code kind}) has unpublished events. Marking a document again before the
     * relay got to it bumps the marker's version, so the relay cannot clear a marker for events it has not seen.
     *
     * @param seq the message's seq (the order the relay publishes a conversation's messages in), 0 for others
     */
    public Mono<Void> mark(String kind, String documentId, String conversationId, long seq) {
        Update update = new Update().set("kind", kind)
                .set("documentId", documentId)
                .set("conversationId", conversationId)
                .set("seq", seq)
                .set("writer", writer)
                .setOnInsert("markedAt", Date.from(Instant.now()))
                .inc("version", 1);
        return mongo.findAndModify(query(where("_id").is(idOf(kind, documentId))), update,
                        FindAndModifyOptions.options().upsert(true).returnNew(true), Marker.class, COLLECTION)
                .doOnNext(this::remember)
                .doOnSuccess(written -> doorbell.tryEmitNext(Boolean.TRUE))
                .then();
    }

    /**
     * Marks documents that were just inserted, so none has a marker yet: one unordered insert for all of them, in
     * the given order (which the relay keeps). A marker whose insert fails is left to the relay's search, as in
     * {@link #mark}.
     */
    public Mono<Void> markAllNew(List<NewMarker> fresh) {
        if (fresh.isEmpty()) {
            return Mono.empty();
        }
        Date now = Date.from(Instant.now());
        List<Document> documents = new ArrayList<>(fresh.size());
        for (NewMarker marker : fresh) {
            documents.add(new Document("_id", idOf(marker.kind(), marker.documentId()))
                    .append("kind", marker.kind())
                    .append("documentId", marker.documentId())
                    .append("conversationId", marker.conversationId())
                    .append("seq", marker.seq())
                    .append("writer", writer)
                    .append("markedAt", now)
                    .append("version", 1L));
        }
        return mongo.getCollection(COLLECTION)
                .flatMap(outbox -> Mono.from(outbox.insertMany(documents, UNORDERED)))
                .then(Mono.fromRunnable(() -> rememberAll(fresh, Set.of())))
                .onErrorResume(MongoBulkWriteException.class, partly -> Mono.fromRunnable(() -> rememberAll(fresh,
                        partly.getWriteErrors().stream().map(BulkWriteError::getIndex).collect(Collectors.toSet()))))
                .then();
    }

    private void rememberAll(List<NewMarker> fresh, Set<Integer> refused) {
        for (int i = 0; i < fresh.size(); i++) {
            if (!refused.contains(i)) {
                NewMarker marker = fresh.get(i);
                remember(new Marker(idOf(marker.kind(), marker.documentId()), marker.kind(), marker.documentId(),
                        marker.conversationId(), marker.seq(), 1L));
            }
        }
        doorbell.tryEmitNext(Boolean.TRUE);
    }

    /** A document just inserted with events to publish; see {@link #markAllNew}. */
    public record NewMarker(String kind, String documentId, String conversationId, long seq) {
    }

    /** Bounded: past {@value #MAX_WRITTEN} the list is dropped and the relay told to search the collection instead. */
    private void remember(Marker marker) {
        if (writtenCount.incrementAndGet() > MAX_WRITTEN) {
            forgetWritten();
            writtenLost = true;
            return;
        }
        written.add(marker);
    }

    /** Up to {@code max} of the markers this instance wrote, oldest first, removed from the list. */
    List<Marker> takeWritten(int max) {
        List<Marker> taken = new ArrayList<>(Math.min(max, 256));
        Marker next;
        while (taken.size() < max && (next = written.poll()) != null) {
            taken.add(next);
            writtenCount.decrementAndGet();
        }
        return taken;
    }

    /** Drops the list (another instance relays; its search of the collection finds these markers). */
    void forgetWritten() {
        written.clear();
        writtenCount.set(0);
    }

    /** Whether markers were dropped from the list since the last call; only a search of the collection finds them. */
    boolean takeWrittenLost() {
        boolean lost = writtenLost;
        writtenLost = false;
        return lost;
    }

    /**
     * How many messages have events waiting for the relay, and when the oldest of them was marked (null when none):
     * read from the markers, which are few while the relay keeps up, rather than by searching the message log.
     */
    public Mono<Backlog> messageBacklog() {
        Query messages = query(where("kind").is(MESSAGE));
        Mono<Long> count = mongo.count(messages, COLLECTION);
        Mono<Optional<Instant>> oldest = mongo.findOne(Query.of(messages)
                                .with(Sort.by("markedAt")).limit(1), Document.class, COLLECTION)
                .map(marker -> Optional.ofNullable(marker.getDate("markedAt")).map(Date::toInstant))
                .defaultIfEmpty(Optional.empty());
        return Mono.zip(count, oldest, (pending, first) -> new Backlog(pending, first.orElse(null)));
    }

    /** See {@link #messageBacklog()}. */
    public record Backlog(long messages, Instant oldestMarkedAt) {
    }

    /**
     * Pending markers after {@code last} in (conversation, seq, then id) order, each conversation's messages in seq
     * order, or from the first when {@code last} is null: one step of a search that goes through the collection once
     * instead of starting again from the top with every read.
     */
    Flux<Marker> pendingAfter(Marker last, int limit) {
        if (last == null) {
            return pending(new Query(), limit);
        }
        Criteria after = new Criteria().orOperator(
                where("conversationId").gt(last.conversationId()),
                where("conversationId").is(last.conversationId()).and("seq").gt(last.seq()),
                where("conversationId").is(last.conversationId()).and("seq").is(last.seq()).and("_id").gt(last.id()));
        return pending(query(after), limit);
    }

    /**
     * Pending markers written by other processes (other instances, or this one before a restart), each
     * conversation's messages in seq order: only these need sorting while this process's own are taken from
     * {@link #takeWritten}.
     */
    Flux<Marker> pendingFromOthers(int limit) {
        return pending(query(where("writer").ne(writer)), limit);
    }

    private Flux<Marker> pending(Query filter, int limit) {
        // The id last breaks ties (a room's or a membership's markers all have seq 0), so that a search can go on
        // from exactly where its last read ended.
        return orderIndexReady.thenMany(mongo.find(filter.with(Sort.by("conversationId", "seq", "_id")).limit(limit),
                Marker.class, COLLECTION));
    }

    /** Which of these markers (by id) exist: one query for the lot. */
    Mono<Set<String>> existing(List<String> markerIds) {
        if (markerIds.isEmpty()) {
            return Mono.just(Set.of());
        }
        Query byIds = query(where("_id").in(markerIds));
        byIds.fields().include("_id");
        return mongo.find(byIds, Document.class, COLLECTION)
                .map(marker -> marker.getString("_id"))
                .collect(Collectors.toSet());
    }

    /**
     * Removes the markers, each unless its document was marked again since it was read (then its new events are
     * next); one round trip for the batch.
     */
    Mono<Void> clearAll(List<Marker> marked) {
        if (marked.isEmpty()) {
            return Mono.empty();
        }
        // The driver's write models: the template's bulk operations would map each plain query again.
        List<DeleteOneModel<Document>> removals = new ArrayList<>(marked.size());
        for (Marker marker : marked) {
            removals.add(new DeleteOneModel<>(new Document("_id", marker.id()).append("version", marker.version())));
        }
        return mongo.getCollection(COLLECTION)
                .flatMap(outbox -> Mono.from(outbox.bulkWrite(removals, OutboxUpdates.UNORDERED_BULK)))
                .then();
    }

    /** Rings each time a marker is written in this instance; best effort (the relay also polls). */
    Flux<Boolean> rings() {
        return doorbell.asFlux();
    }

    /** A marker's id: one marker per document. */
    static String idOf(String kind, String documentId) {
        return kind + ":" + documentId;
    }

    /** One pending document; {@code version} counts how often it was marked. */
    record Marker(String id, String kind, String documentId, String conversationId, long seq, long version) {
    }
}
