package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.retention.RetentionPurge;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.MediaType;

/** Rooms' retention periods, purged by the scheduled job's one pass on the embedded MongoDB wire server. */
class RetentionIT extends ChatServiceITSupport {

    @Autowired
    private RetentionPurge purge;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Test
    void expiredMessagesGoAndTheSequenceCarriesOn() {
        String owner = newUser();
        String kept = createRoom(owner, "Keep forever", "private");
        String roomId = createRoomWithRetention(owner, 1);
        for (String text : List.of("one", "two", "three")) {
            sent(owner, roomId, text);
            sent(owner, kept, text);
        }
        await().atMost(TIMEOUT).until(() -> pending(roomId) == 0);
        age(roomId, 1, Duration.ofDays(2));
        age(roomId, 2, Duration.ofDays(2));
        age(kept, 1, Duration.ofDays(400));

        assertThat(purge.purgeOnce().block(TIMEOUT)).isGreaterThanOrEqualTo(2);

        assertThat(seqs(history(owner, roomId, ""))).containsExactly(3L);
        assertThat(seqs(history(owner, kept, ""))).as("no retention, nothing purged").containsExactly(1L, 2L, 3L);

        // Everything expired: the newest entry stays as an empty tombstone, so the next message is 4, not 1.
        age(roomId, 3, Duration.ofDays(2));
        purge.purgeOnce().block(TIMEOUT);
        List<?> left = (List<?>) history(owner, roomId, "").get("messages");
        assertThat(left).hasSize(1);
        assertThat(((Map<?, ?>) left.get(0)).get("text")).isEqualTo("");
        assertThat(((Map<?, ?>) left.get(0)).get("deleted")).isEqualTo(true);
        assertThat(sent(owner, roomId, "four").get("seq")).isEqualTo(4);
        await().atMost(TIMEOUT).until(() -> pending(roomId) == 0);
        assertThat(purge.purgeOnce().block(TIMEOUT)).as("the old tombstone is no longer the newest").isEqualTo(1);
        assertThat(seqs(history(owner, roomId, ""))).containsExactly(4L);
        assertThat(purge.purgeOnce().block(TIMEOUT)).as("another pass finds nothing new").isZero();
    }

    @Test
    void unpublishedEventsOutliveTheRetentionPeriod() {
        String owner = newUser();
        String roomId = createRoomWithRetention(owner, 1);
        sent(owner, roomId, "one");
        sent(owner, roomId, "two");
        await().atMost(TIMEOUT).until(() -> pending(roomId) == 0);
        mongo.updateFirst(query(where("conversationId").is(roomId).and("seq").is(1)),
                new Update().set("outboxPending", true), "messages").block(TIMEOUT);
        age(roomId, 1, Duration.ofDays(3));
        try {
            purge.purgeOnce().block(TIMEOUT);
            assertThat(seqs(history(owner, roomId, ""))).containsExactly(1L, 2L);
        } finally {
            mongo.updateFirst(query(where("conversationId").is(roomId).and("seq").is(1)),
                    new Update().set("outboxPending", false), "messages").block(TIMEOUT);
        }
    }

    private String createRoomWithRetention(String owner, int days) {
        Map<?, ?> room = as(owner).post()
                .uri("/api/rooms")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Short memory", "visibility", "private", "retentionDays", days))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) room.get("id");
    }

    private void age(String conversationId, long seq, Duration age) {
        mongo.updateFirst(query(where("conversationId").is(conversationId).and("seq").is(seq)),
                new Update().set("createdAt", Instant.now().minus(age)), "messages").block(TIMEOUT);
    }

    private long pending(String conversationId) {
        return mongo.count(query(where("conversationId").is(conversationId).and("outboxPending").is(true)), "messages")
                .block(TIMEOUT);
    }
}
