package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaSubscriber;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;

class EditDeleteIT extends ChatServiceITSupport {

    @Autowired
    private KafkaSubscriber kafka;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Test
    void senderEditsAndDeletesWithOneEventEachAndSeqsStay() {
        String owner = newUser();
        String member = newUser();
        String roomId = createRoom(owner, "Edits", "private");
        addMember(owner, roomId, member);
        String first = (String) sent(owner, roomId, "first").get("messageId");
        String second = (String) sent(owner, roomId, "second").get("messageId");
        await().atMost(TIMEOUT).until(() -> pending(roomId) == 0);

        edit(member, roomId, first, "not mine").expectStatus().isForbidden();
        edit(owner, roomId, first, "").expectStatus().isBadRequest();
        edit(owner, roomId, "no-such-message", "x").expectStatus().isNotFound();
        edit(owner, roomId, first, "first, edited").expectStatus().isOk()
                .expectBody()
                .jsonPath("$.text").isEqualTo("first, edited")
                .jsonPath("$.seq").isEqualTo(1)
                .jsonPath("$.editedAt").exists();
        as(member).delete().uri("/api/conversations/{c}/messages/{m}", roomId, second).exchange()
                .expectStatus().isForbidden();
        as(owner).delete().uri("/api/conversations/{c}/messages/{m}", roomId, second).exchange()
                .expectStatus().isNoContent();
        as(owner).delete().uri("/api/conversations/{c}/messages/{m}", roomId, second).exchange()
                .expectStatus().isNoContent();
        edit(owner, roomId, second, "too late").expectStatus().isEqualTo(409);
        sent(owner, roomId, "third");

        Map<?, ?> history = history(member, roomId, "");
        assertThat(seqs(history)).containsExactly(1L, 2L, 3L);
        List<?> messages = (List<?>) history.get("messages");
        assertThat(((Map<?, ?>) messages.get(0)).get("text")).isEqualTo("first, edited");
        assertThat(((Map<?, ?>) messages.get(1)).get("deleted")).isEqualTo(true);
        assertThat(((Map<?, ?>) messages.get(1)).get("text")).isEqualTo("");

        // The repeated delete emitted nothing: the next event after the one message.deleted is the third message.
        List<EventEnvelope> events = kafka.consume(ConsumerSpec.of("it-" + Ids.newId(), Topics.CHAT_ROOM_EVENTS),
                        record -> Mono.empty())
                .filter(record -> roomId.equals(record.key()))
                .map(record -> parse(record.value()))
                .take(5)
                .collectList()
                .block(TIMEOUT);
        assertThat(events).extracting(EventEnvelope::getType)
                .containsExactly("message.created", "message.created", "message.edited", "message.deleted",
                        "message.created");
        assertThat(events.get(2).getMessageEdited().getSeq()).isEqualTo(1);
        assertThat(events.get(2).getMessageEdited().getText()).isEqualTo("first, edited");
        assertThat(events.get(3).getMessageDeleted().getSeq()).isEqualTo(2);
        assertThat(events.get(4).getMessageCreated().getMessage().getSeq()).isEqualTo(3);
        await().atMost(TIMEOUT).until(() -> pending(roomId) == 0);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec edit(
            String userId, String roomId, String messageId, String text) {
        return as(userId).patch()
                .uri("/api/conversations/{c}/messages/{m}", roomId, messageId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", text))
                .exchange();
    }

    private long pending(String conversationId) {
        return mongo.count(query(where("conversationId").is(conversationId).and("outboxPending").is(true)), "messages")
                .block(TIMEOUT);
    }

    private static EventEnvelope parse(byte[] bytes) {
        try {
            return EventEnvelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
