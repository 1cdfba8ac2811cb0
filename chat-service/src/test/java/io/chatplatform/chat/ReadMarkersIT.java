package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.MarkReadRequest;
import io.chatplatform.contracts.chat.MarkReadResponse;
import io.chatplatform.contracts.common.ConversationRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class ReadMarkersIT extends ChatServiceITSupport {

    @Test
    void readMarkersOnlyMoveForwardAndDriveUnreadCounts() {
        String alice = newUser();
        String bob = newUser();
        String dmId = openDm(alice, bob);
        String roomId = createRoom(alice, "Reads", "private");
        addMember(alice, roomId, bob);
        for (int i = 1; i <= 5; i++) {
            sent(alice, dmId, "dm " + i);
        }
        sent(alice, roomId, "room 1");

        assertThat(markRead(bob, dmId, 3)).containsEntry("lastReadSeq", 3).containsEntry("unreadCount", 2);
        // Back is ignored; beyond the latest seq is clamped.
        assertThat(markRead(bob, dmId, 1)).containsEntry("lastReadSeq", 3);
        assertThat(markRead(bob, dmId, 99)).containsEntry("lastReadSeq", 5).containsEntry("unreadCount", 0);
        MarkReadResponse viaGrpc = ChatServiceGrpc.newBlockingStub(grpcChannel())
                .markRead(MarkReadRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(roomId))
                        .setUserId(bob)
                        .setUpToSeq(0)
                        .build());
        assertThat(viaGrpc.getLastReadSeq()).isZero();
        assertThat(viaGrpc.getUnreadCount()).isEqualTo(1);

        as(bob).post().uri("/api/conversations/{id}/read", dmId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("seq", -1))
                .exchange()
                .expectStatus().isBadRequest();
        as(newUser()).post().uri("/api/conversations/{id}/read", dmId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("seq", 1))
                .exchange()
                .expectStatus().isForbidden();

        Map<?, ?> firstPage = as(bob).get().uri("/api/conversations?limit=1").exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        Map<?, ?> secondPage = as(bob).get().uri("/api/conversations?limit=1&cursor={c}", firstPage.get("nextCursor"))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(secondPage.get("nextCursor")).as("two conversations, two pages").isNull();
        List<Object> inbox = new java.util.ArrayList<>((List<?>) firstPage.get("items"));
        inbox.addAll((List<?>) secondPage.get("items"));
        assertThat(inbox).hasSize(2);
        Map<?, ?> newest = (Map<?, ?>) inbox.get(0);
        Map<?, ?> older = (Map<?, ?>) inbox.get(1);
        assertThat(((Map<?, ?>) newest.get("conversation")).get("id")).isEqualTo(roomId);
        assertThat(newest.get("unreadCount")).isEqualTo(1);
        assertThat(((Map<?, ?>) newest.get("lastMessage")).get("text")).isEqualTo("room 1");
        assertThat(((Map<?, ?>) older.get("conversation")).get("id")).isEqualTo(dmId);
        assertThat(older.get("unreadCount")).isEqualTo(0);
        assertThat(((Map<?, ?>) older.get("lastMessage")).get("seq")).isEqualTo(5);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> markRead(String userId, String conversationId, long seq) {
        return (Map<String, Object>) as(userId).post()
                .uri("/api/conversations/{id}/read", conversationId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("seq", seq))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }
}
