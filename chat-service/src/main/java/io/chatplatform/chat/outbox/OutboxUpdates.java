package io.chatplatform.chat.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.List;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
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
        Update done = new Update().set("outboxPending", false)
                .unset("pendingEvents");
        Update pullPublished = new Update().pull("pendingEvents",
                new Document("eventId", new Document("$in", publishedEventIds)));
        return mongo.updateFirst(query(where("_id").is(id).and("pendingEvents").size(publishedEventIds.size())),
                        done, type)
                .flatMap(result -> result.getModifiedCount() > 0
                        ? Mono.just(true)
                        : mongo.updateFirst(query(where("_id").is(id)), pullPublished, type).thenReturn(false));
    }
}
