package io.chatplatform.chat.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
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

    private final ReactiveMongoTemplate mongo;
    private final Sinks.Many<Boolean> doorbell = Sinks.many().multicast().directBestEffort();

    OutboxMarkers(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
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
                .inc("version", 1);
        return mongo.upsert(query(where("_id").is(idOf(kind, documentId))), update, COLLECTION)
                .doOnSuccess(written -> doorbell.tryEmitNext(Boolean.TRUE))
                .then();
    }

    /** Pending markers, each conversation's messages in seq order. */
    Flux<Marker> pending(int limit) {
        Query pending = new Query()
                .with(Sort.by("conversationId", "seq"))
                .limit(limit);
        return mongo.find(pending, Marker.class, COLLECTION);
    }

    /**
     * Removes the markers, each unless its document was marked again since it was read (then its new events are
     * next); one round trip for the batch.
     */
    Mono<Void> clearAll(java.util.List<Marker> marked) {
        if (marked.isEmpty()) {
            return Mono.empty();
        }
        var bulk = mongo.bulkOps(org.springframework.data.mongodb.core.BulkOperations.BulkMode.UNORDERED, COLLECTION);
        marked.forEach(marker -> bulk.remove(query(where("_id").is(marker.id()).and("version").is(marker.version()))));
        return bulk.execute().then();
    }

    /** Rings each time a marker is written in this instance; best effort (the relay also polls). */
    Flux<Boolean> rings() {
        return doorbell.asFlux();
    }

    private static String idOf(String kind, String documentId) {
        return kind + ":" + documentId;
    }

    /** One pending document; {@code version} counts how often it was marked. */
    record Marker(String id, String kind, String documentId, String conversationId, long seq, long version) {
    }
}
