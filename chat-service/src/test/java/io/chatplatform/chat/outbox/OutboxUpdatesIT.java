package io.chatplatform.chat.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.ChatServiceITSupport;
import io.chatplatform.chat.message.StoredMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * The relay's "all published" step for a batch of stored messages: one bulk update when every document still holds
 * only what was published, and the per-document fallback, which keeps events queued meanwhile, when one does not.
 * The relay's own loop is stopped, so only these calls touch the documents; the driver's command metrics tell the
 * one bulk write from the per-document updates, which leave the same documents behind.
 */
class OutboxUpdatesIT extends ChatServiceITSupport {

    private static final String MESSAGES = "messages";

    @Autowired
    private OutboxRelay relay;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    private MeterRegistry registry;

    private final String conversationId = "!updates-" + UUID.randomUUID();

    @BeforeEach
    void stopRelay() {
        relay.stop();
        await().atMost(TIMEOUT).until(() -> !relay.isRunning());
    }

    @AfterEach
    void cleanUpAndRestartRelay() {
        mongo.remove(query(where("conversationId").is(conversationId)), MESSAGES).block(TIMEOUT);
        relay.start();
    }

    @Test
    void aBatchWhoseEventsWereAllPublishedIsClearedInOneUpdate() {
        Map<String, List<String>> published = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            published.put(pendingMessage(i + 1, "a" + i, "b" + i), List.of("a" + i, "b" + i));
        }

        double updatesBefore = messageUpdates();
        OutboxUpdates.markAllPublished(mongo, StoredMessage.class, published).block(TIMEOUT);

        assertThat(messageUpdates() - updatesBefore).as("update commands on %s", MESSAGES).isEqualTo(1);
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
            published.put(pendingMessage(i + 1, "a" + i), List.of("a" + i));
        }
        // Edited after the relay read it: the edit's event is queued behind the published one.
        String edited = pendingMessage(4, "a3", "edit3");
        published.put(edited, List.of("a3"));

        double updatesBefore = messageUpdates();
        OutboxUpdates.markAllPublished(mongo, StoredMessage.class, published).block(TIMEOUT);

        // The bulk write cleared three and matched nothing for the edited one, so each document was gone through
        // again: a matching "all published" update or, failing that, a pull of the published events (two each).
        assertThat(messageUpdates() - updatesBefore).as("update commands on %s", MESSAGES).isEqualTo(1 + 4 * 2);
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

    /** A stored message of this test's conversation whose outbox holds events with these ids; returns its id. */
    private String pendingMessage(long seq, String... eventIds) {
        String id = UUID.randomUUID().toString();
        List<Document> events = new ArrayList<>();
        for (String eventId : eventIds) {
            events.add(new Document("eventId", eventId).append("channel", "room"));
        }
        mongo.insert(new Document("_id", id)
                .append("conversationId", conversationId)
                .append("seq", seq)
                .append("senderId", "someone")
                .append("clientMsgId", id)
                .append("text", "text " + seq)
                .append("outboxPending", true)
                .append("pendingEvents", events), MESSAGES).block(TIMEOUT);
        return id;
    }

    private Document stored(String id) {
        return mongo.findOne(query(where("_id").is(id)), Document.class, MESSAGES).block(TIMEOUT);
    }

    /** Update commands the driver has sent to the messages collection so far (bulk writes count once). */
    private double messageUpdates() {
        return registry.find("mongodb.driver.commands")
                .tag("command", "update")
                .tag("collection", MESSAGES)
                .timers()
                .stream()
                .mapToDouble(Timer::count)
                .sum();
    }
}
