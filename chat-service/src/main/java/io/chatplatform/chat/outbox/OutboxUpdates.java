package io.chatplatform.chat.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The one "published" step shared by every document that carries an outbox (messages, rooms, memberships). */
public final class OutboxUpdates {

    private OutboxUpdates() {
    }

    /**
     * Clears the published events from a document's outbox. If another event was queued meanwhile, only the
     * published ones are pulled and the document stays pending for the next poll.
     *
     * @return whether the outbox is now empty
     */
    public static Mono<Boolean> markPublished(ReactiveMongoTemplate mongo, Class<?> type, String id,
                                              List<String> publishedEventIds) {
        Update done = allPublished();
        Update pullPublished = new Update().pull("pendingEvents",
                new Document("eventId", new Document("$in", publishedEventIds)));
        return mongo.updateFirst(query(where("_id").is(id).and("pendingEvents").size(publishedEventIds.size())),
                        done, type)
                .flatMap(result -> result.getModifiedCount() > 0
                        ? Mono.just(true)
                        : mongo.updateFirst(query(where("_id").is(id)), pullPublished, type).thenReturn(false));
    }

    /**
     * {@link #markPublished} for many documents in one round trip: one unordered bulk write of the "all published"
     * updates. When any of them matched nothing (an event was queued meanwhile), each document goes through
     * {@link #markPublished} again, which is harmless for those already cleared.
     *
     * @param publishedEventIds per document id, the ids of the events that were published
     */
    public static Mono<Void> markAllPublished(ReactiveMongoTemplate mongo, Class<?> type,
                                              Map<String, List<String>> publishedEventIds) {
        if (publishedEventIds.isEmpty()) {
            return Mono.empty();
        }
        var bulk = mongo.bulkOps(BulkMode.UNORDERED, type);
        publishedEventIds.forEach((id, eventIds) -> bulk.updateOne(
                query(where("_id").is(id).and("pendingEvents").size(eventIds.size())), allPublished()));
        return bulk.execute()
                .flatMap(result -> result.getModifiedCount() == publishedEventIds.size()
                        ? Mono.empty()
                        : Flux.fromIterable(publishedEventIds.entrySet())
                                .concatMap(entry -> markPublished(mongo, type, entry.getKey(), entry.getValue()))
                                .then());
    }

    private static Update allPublished() {
        return new Update().set("outboxPending", false).unset("pendingEvents");
    }
}
