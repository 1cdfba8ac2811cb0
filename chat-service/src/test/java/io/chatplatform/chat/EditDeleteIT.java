package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

class EditDeleteIT extends ChatServiceITSupport {

    @Autowired
    private KafkaSubscriber kafka;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Test
    void editsAndDeletesTakeTheirOwnSeqWithOneEventEach() {
        String owner = newUser();
        String member = newUser();
        String roomId = createRoom(owner, "Edits", "private");
        addMember(owner, roomId, member);
        String first = (String) sent(owner, roomId, "first").get("messageId");
        String second = (String) sent(owner, roomId, "second").get("messageId");
        await().atMost(TIMEOUT).until(() -> pendingMessages(roomId) == 0);

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

        // The log: two messages, the edit (3), the one delete (4; the repeat took no seq), the third message (5).
        Map<?, ?> history = history(member, roomId, "");
        assertThat(seqs(history)).containsExactly(1L, 2L, 3L, 4L, 5L);
        List<?> entries = (List<?>) history.get("messages");
        assertThat(entries.stream().map(entry -> (Object) ((Map<?, ?>) entry).get("kind")).toList())
                .containsExactly("message", "message", "edit", "delete", "message");
        Map<?, ?> edited = (Map<?, ?>) entries.get(0);
        assertThat(edited.get("text")).isEqualTo("first, edited");
        Map<?, ?> editEntry = (Map<?, ?>) entries.get(2);
        assertThat(editEntry.get("targetMessageId")).isEqualTo(first);
        assertThat(editEntry.get("targetSeq")).isEqualTo(1);
        assertThat(editEntry.get("text")).isEqualTo("first, edited");
        assertThat(((Map<?, ?>) entries.get(1)).get("deleted")).isEqualTo(true);
        assertThat(((Map<?, ?>) entries.get(1)).get("text")).isEqualTo("");
        assertThat(((Map<?, ?>) entries.get(3)).get("targetSeq")).isEqualTo(2);

        // A client that had seen up to seq 2 resumes and converges from the changes alone.
        assertThat(seqs(history(member, roomId, "?after=2"))).containsExactly(3L, 4L, 5L);

        List<EventEnvelope> events = roomEvents(roomId, 5);
        assertThat(events).extracting(EventEnvelope::getType)
                .containsExactly("message.created", "message.created", "message.edited", "message.deleted",
                        "message.created");
        assertThat(events.get(2).getMessageEdited().getSeq()).isEqualTo(1);
        assertThat(events.get(2).getMessageEdited().getChangeSeq()).isEqualTo(3);
        assertThat(events.get(2).getMessageEdited().getText()).isEqualTo("first, edited");
        assertThat(events.get(3).getMessageDeleted().getSeq()).isEqualTo(2);
        assertThat(events.get(3).getMessageDeleted().getChangeSeq()).isEqualTo(4);
        assertThat(events.get(4).getMessageCreated().getMessage().getSeq()).isEqualTo(5);
        await().atMost(TIMEOUT).until(() -> pendingMessages(roomId) == 0);
    }

    @Test
    void roomAdminsAndModeratorsDeleteOthersMessagesButMembersDoNot() {
        String owner = newUser();
        String admin = newUser();
        String member = newUser();
        String moderator = newUser();
        String roomId = createRoom(owner, "Cleanup", "public");
        as(owner).post().uri("/api/rooms/{id}/members", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("userId", admin, "role", "admin"))
                .exchange()
                .expectStatus().isCreated();
        addMember(owner, roomId, member);
        addMember(owner, roomId, moderator);
        String byMember = (String) sent(member, roomId, "spam one").get("messageId");
        String another = (String) sent(member, roomId, "spam two").get("messageId");
        String byOwner = (String) sent(owner, roomId, "owner's").get("messageId");

        delete(member, roomId, byOwner).expectStatus().isForbidden();
        delete(admin, roomId, byMember).expectStatus().isNoContent();
        WebTestClient asModerator = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(TIMEOUT)
                .defaultHeader("Authorization", "Bearer " + TestTokens.moderatorTokenFor(moderator))
                .build();
        asModerator.delete().uri("/api/conversations/{c}/messages/{m}", roomId, another).exchange()
                .expectStatus().isNoContent();

        List<?> entries = (List<?>) history(owner, roomId, "").get("messages");
        assertThat(entries.stream().map(entry -> (Object) ((Map<?, ?>) entry).get("kind")).toList())
                .containsExactly("message", "message", "message", "delete", "delete");
        assertThat(((Map<?, ?>) entries.get(3)).get("senderId")).isEqualTo(admin);
        assertThat(((Map<?, ?>) entries.get(4)).get("senderId")).isEqualTo(moderator);
        assertThat(((Map<?, ?>) entries.get(2)).get("deleted")).isEqualTo(false);
    }

    @Test
    void editingAfterTheWindowIsRefusedAndChangesNothing() {
        String owner = newUser();
        String roomId = createRoom(owner, "Window", "private");
        String old = (String) sent(owner, roomId, "old words").get("messageId");
        mongo.updateFirst(query(where("_id").is(old)),
                        new Update().set("createdAt", Instant.now().minus(Duration.ofDays(2))), "messages")
                .block(TIMEOUT);

        edit(owner, roomId, old, "new words").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("edited for"));

        Map<?, ?> history = history(owner, roomId, "");
        assertThat(seqs(history)).containsExactly(1L);
        assertThat(((Map<?, ?>) ((List<?>) history.get("messages")).get(0)).get("text")).isEqualTo("old words");
    }

    @Test
    void editAndDeleteOverGrpcFollowTheSameRules() {
        String owner = newUser();
        String member = newUser();
        String moderator = newUser();
        String roomId = createRoom(owner, "Over gRPC", "private");
        addMember(owner, roomId, member);
        addMember(owner, roomId, moderator);
        String messageId = (String) sent(member, roomId, "typo hree").get("messageId");
        var chat = io.chatplatform.contracts.chat.ChatServiceGrpc.newBlockingStub(grpcChannel());
        var room = io.chatplatform.contracts.common.ConversationRef.newBuilder().setId(roomId).build();

        var edited = chat.editMessage(io.chatplatform.contracts.chat.EditMessageRequest.newBuilder()
                .setConversation(room).setMessageId(messageId).setEditorUserId(member).setText("typo here").build());
        assertThat(edited.getMessage().getText()).isEqualTo("typo here");
        assertThat(edited.getMessage().getSeq()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chat.editMessage(
                        io.chatplatform.contracts.chat.EditMessageRequest.newBuilder().setConversation(room)
                                .setMessageId(messageId).setEditorUserId(owner).setText("not yours").build()))
                .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, error -> assertThat(
                        error.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chat.deleteMessage(
                        io.chatplatform.contracts.chat.DeleteMessageRequest.newBuilder().setConversation(room)
                                .setMessageId(messageId).setUserId(moderator).build()))
                .as("a plain member may not delete another's message")
                .isInstanceOf(io.grpc.StatusRuntimeException.class);
        chat.deleteMessage(io.chatplatform.contracts.chat.DeleteMessageRequest.newBuilder().setConversation(room)
                .setMessageId(messageId).setUserId(moderator).setModerator(true).build());

        List<?> entries = (List<?>) history(owner, roomId, "").get("messages");
        assertThat(entries.stream().map(entry -> (Object) ((Map<?, ?>) entry).get("kind")).toList())
                .containsExactly("message", "edit", "delete");
        assertThat(((Map<?, ?>) entries.get(0)).get("deleted")).isEqualTo(true);
    }

    private List<EventEnvelope> roomEvents(String roomId, int count) {
        return kafka.consume(ConsumerSpec.of("it-" + Ids.newId(), Topics.CHAT_ROOM_EVENTS), record -> Mono.empty())
                .filter(record -> roomId.equals(record.key()))
                .map(record -> parseEvent(record.value()))
                .filter(event -> event.getType().startsWith("message."))
                .take(count)
                .collectList()
                .block(TIMEOUT);
    }

    private WebTestClient.ResponseSpec delete(String userId, String roomId, String messageId) {
        return as(userId).delete().uri("/api/conversations/{c}/messages/{m}", roomId, messageId).exchange();
    }

    private WebTestClient.ResponseSpec edit(
            String userId, String roomId, String messageId, String text) {
        return as(userId).patch()
                .uri("/api/conversations/{c}/messages/{m}", roomId, messageId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", text))
                .exchange();
    }


}
