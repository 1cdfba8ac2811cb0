package io.chatplatform.chat.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.ChatServiceITSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * The relay's "all published" step for a batch of documents with an outbox: one bulk update when every document still
 * holds only what was published, and the per-document fallback, which keeps events queued meanwhile, when one does
 * not. The documents are of a type of this test's own, in a collection nothing else writes, so the driver's command
 * metrics for that collection count only these calls; they tell the one bulk write from the per-document updates,
 * which leave the same documents behind.
 */
class OutboxUpdatesIT extends ChatServiceITSupport {

    private static final String CARRIERS = "outbox_updates_it";

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    private MeterRegistry registry;

    /** A document that carries an outbox, named as messages, rooms and memberships name theirs. */
    @org.springframework.data.mongodb.core.mapping.Document(CARRIERS)
    record Carrier(@Id String id, boolean outboxPending, List<Document> pendingEvents) {
    }

    @AfterEach
    void dropCarriers() {
        mongo.dropCollection(CARRIERS).block(TIMEOUT);
    }

    @Test
    void aBatchWhoseEventsWereAllPublishedIsClearedInOneUpdate() {
        Map<String, List<String>> published = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            published.put(pendingCarrier("a" + i, "b" + i), List.of("a" + i, "b" + i));
        }

        double updatesBefore = carrierUpdates();
        OutboxUpdates.markAllPublished(mongo, Carrier.class, published).block(TIMEOUT);

        assertThat(carrierUpdates() - updatesBefore).as("update commands on %s", CARRIERS).isEqualTo(1);
        for (String id : published.keySet()) {
            Document stored = stored(id);
            assertThat(stored.getBoolean("outboxPending")).as(id).isFalse();
            assertThat(stored).as(id).doesNotContainKey("pendingEvents");
        }
    }

    @Test
    void anEventQueuedAfterTheReadStaysPendingWhileTheRestIsCleared() {
        Map<String, List<String>> published = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            published.put(pendingCarrier("a" + i), List.of("a" + i));
        }
        // Edited after the relay read it: the edit's event is queued behind the published one.
        String edited = pendingCarrier("a3", "edit3");
        published.put(edited, List.of("a3"));

        double updatesBefore = carrierUpdates();
        OutboxUpdates.markAllPublished(mongo, Carrier.class, published).block(TIMEOUT);

        // The bulk write cleared three and matched nothing for the edited one, so each document was gone through
        // again: a matching "all published" update or, failing that, a pull of the published events (two each).
        assertThat(carrierUpdates() - updatesBefore).as("update commands on %s", CARRIERS).isEqualTo(1 + 4 * 2);
        for (String id : published.keySet()) {
            if (!id.equals(edited)) {
                assertThat(stored(id).getBoolean("outboxPending")).as(id).isFalse();
                assertThat(stored(id)).as(id).doesNotContainKey("pendingEvents");
            }
        }
        Document left = stored(edited);
        assertThat(left.getBoolean("outboxPending")).isTrue();
        assertThat(left.getList("pendingEvents", Document.class))
                .extracting(event -> event.getString("eventId"))
                .containsExactly("edit3");
    }

    /** A document whose outbox holds events with these ids; returns its id. */
    private String pendingCarrier(String... eventIds) {
        String id = UUID.randomUUID().toString();
        List<Document> events = new ArrayList<>();
        for (String eventId : eventIds) {
            events.add(new Document("eventId", eventId).append("channel", "room"));
        }
        mongo.insert(new Document("_id", id)
                .append("outboxPending", true)
                .append("pendingEvents", events), CARRIERS).block(TIMEOUT);
        return id;
    }

    private Document stored(String id) {
        return mongo.findOne(query(where("_id").is(id)), Document.class, CARRIERS).block(TIMEOUT);
    }

    /** Update commands the driver has sent to this test's collection so far (a bulk write counts once). */
    private double carrierUpdates() {
        return registry.find("mongodb.driver.commands")
                .tag("command", "update")
                .tag("collection", CARRIERS)
                .timers()
                .stream()
                .mapToDouble(Timer::count)
                .sum();
    }
}
