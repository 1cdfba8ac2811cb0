package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.HistoryRequest;
import io.chatplatform.contracts.chat.MarkReadRequest;
import io.chatplatform.contracts.chat.SendMessageRequest;
import io.chatplatform.contracts.common.ConversationRef;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Authorization for users outside a conversation (docs/security.md): a third user on a DM, and a signed-in
 * non-member of a public room, on every conversation endpoint. (A stranger on a private room: RoomsIT.)
 */
class OutsiderAccessIT extends ChatServiceITSupport {

    @Test
    void aThirdUserIsRefusedOnEveryEndpointOfADmAndCannotJoinIt() {
        String alice = newUser();
        String bob = newUser();
        String mallory = newUser();
        String dmId = openDm(alice, bob);
        String messageId = (String) sent(alice, dmId, "just us").get("messageId");
        Map<String, Object> body = Map.of("text", "x", "clientMsgId", "m-" + mallory, "name", "x",
                "userId", mallory, "seq", 1);

        List<WebTestClient.ResponseSpec> refused = List.of(
                as(mallory).get().uri("/api/conversations/{id}/messages", dmId).exchange(),
                as(mallory).post().uri("/api/conversations/{id}/messages", dmId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(),
                as(mallory).patch().uri("/api/conversations/{id}/messages/{m}", dmId, messageId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(),
                as(mallory).delete().uri("/api/conversations/{id}/messages/{m}", dmId, messageId).exchange(),
                as(mallory).post().uri("/api/conversations/{id}/read", dmId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(),
                as(mallory).get().uri("/api/rooms/{id}", dmId).exchange(),
                as(mallory).patch().uri("/api/rooms/{id}", dmId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(),
                as(mallory).delete().uri("/api/rooms/{id}", dmId).exchange(),
                as(mallory).post().uri("/api/rooms/{id}/join", dmId).exchange(),
                as(mallory).post().uri("/api/rooms/{id}/members", dmId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(),
                as(mallory).delete().uri("/api/rooms/{id}/members/{m}", dmId, bob).exchange(),
                as(mallory).post().uri("/api/rooms/{id}/leave", dmId).exchange());
        for (WebTestClient.ResponseSpec response : refused) {
            response.expectStatus().value(status -> assertThat(status).isIn(403, 404))
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }

        var chat = ChatServiceGrpc.newBlockingStub(grpcChannel());
        ConversationRef dm = ConversationRef.newBuilder().setId(dmId).build();
        List<Runnable> grpcCalls = List.of(
                () -> chat.sendMessage(SendMessageRequest.newBuilder().setConversation(dm).setSenderUserId(mallory)
                        .setClientMsgId("g-" + mallory).setText("x").build()),
                () -> chat.history(HistoryRequest.newBuilder().setConversation(dm).setViewerUserId(mallory).build()),
                () -> chat.markRead(MarkReadRequest.newBuilder().setConversation(dm).setUserId(mallory)
                        .setUpToSeq(1).build()));
        for (Runnable call : grpcCalls) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                    error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        }

        Map<?, ?> history = history(bob, dmId, "");
        assertThat(seqs(history)).containsExactly(1L);
        assertThat(((Map<?, ?>) ((List<?>) history.get("messages")).get(0)).get("text")).isEqualTo("just us");
        as(mallory).get().uri("/api/conversations").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
    }

    @Test
    void aNonMemberSeesAPublicRoomButNoneOfItsMessagesUntilJoining() {
        String owner = newUser();
        String visitor = newUser();
        String roomId = createRoom(owner, "Open house", "public");
        String messageId = (String) sent(owner, roomId, "members only talk").get("messageId");

        as(visitor).get().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isOk();
        List<WebTestClient.ResponseSpec> refused = List.of(
                as(visitor).get().uri("/api/conversations/{id}/messages", roomId).exchange(),
                send(visitor, roomId, "v-1", "hi"),
                as(visitor).patch().uri("/api/conversations/{id}/messages/{m}", roomId, messageId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "mine now")).exchange(),
                as(visitor).delete().uri("/api/conversations/{id}/messages/{m}", roomId, messageId).exchange(),
                as(visitor).post().uri("/api/conversations/{id}/read", roomId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("seq", 1)).exchange(),
                as(visitor).patch().uri("/api/rooms/{id}", roomId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Mine")).exchange(),
                as(visitor).post().uri("/api/rooms/{id}/members", roomId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", visitor, "role", "admin"))
                        .exchange(),
                as(visitor).delete().uri("/api/rooms/{id}", roomId).exchange());
        refused.forEach(response -> response.expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON));

        // Joining makes a plain member: reading now works, the owner's rights do not come with it.
        as(visitor).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        assertThat(seqs(history(visitor, roomId, ""))).containsExactly(1L);
        as(visitor).patch().uri("/api/conversations/{id}/messages/{m}", roomId, messageId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "mine now")).exchange()
                .expectStatus().isForbidden();
        as(visitor).delete().uri("/api/conversations/{id}/messages/{m}", roomId, messageId).exchange()
                .expectStatus().isForbidden();
        as(visitor).patch().uri("/api/rooms/{id}", roomId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Mine")).exchange().expectStatus().isForbidden();
        as(owner).get().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("Open house");
        Map<?, ?> first = (Map<?, ?>) ((List<?>) history(owner, roomId, "").get("messages")).get(0);
        assertThat(first.get("text")).isEqualTo("members only talk");
        assertThat(first.get("deleted")).isEqualTo(false);
    }
}
