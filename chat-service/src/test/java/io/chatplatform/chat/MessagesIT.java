package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.HistoryRequest;
import io.chatplatform.contracts.chat.HistoryResponse;
import io.chatplatform.contracts.chat.SendMessageRequest;
import io.chatplatform.contracts.chat.SendMessageResponse;
import io.chatplatform.contracts.common.ConversationRef;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class MessagesIT extends ChatServiceITSupport {

    @Test
    void repeatedClientMsgIdReturnsTheFirstMessage() {
        String owner = newUser();
        String roomId = createRoom(owner, "Idempotent", "private");
        Map<?, ?> first = send(owner, roomId, "same-key", "hello").expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> again = send(owner, roomId, "same-key", "hello (retry)").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();

        Map<?, ?> firstMessage = (Map<?, ?>) first.get("message");
        Map<?, ?> againMessage = (Map<?, ?>) again.get("message");
        assertThat(first.get("duplicate")).isEqualTo(false);
        assertThat(again.get("duplicate")).isEqualTo(true);
        assertThat(againMessage.get("messageId")).isEqualTo(firstMessage.get("messageId"));
        assertThat(againMessage.get("seq")).isEqualTo(1);
        assertThat(againMessage.get("text")).isEqualTo("hello");
        assertThat(seqs(history(owner, roomId, ""))).containsExactly(1L);

        // Over gRPC too, as websocket-service sends.
        SendMessageResponse viaGrpc = ChatServiceGrpc.newBlockingStub(grpcChannel())
                .sendMessage(SendMessageRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(roomId))
                        .setSenderUserId(owner)
                        .setClientMsgId("same-key")
                        .setText("again")
                        .build());
        assertThat(viaGrpc.getDuplicate()).isTrue();
        assertThat(viaGrpc.getMessageId()).isEqualTo(firstMessage.get("messageId"));
        assertThat(viaGrpc.getSeq()).isEqualTo(1);
        SendMessageResponse next = ChatServiceGrpc.newBlockingStub(grpcChannel())
                .sendMessage(SendMessageRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(roomId))
                        .setSenderUserId(owner)
                        .setClientMsgId("other-key")
                        .setText("second")
                        .build());
        assertThat(next.getDuplicate()).isFalse();
        assertThat(next.getSeq()).isEqualTo(2);
    }

    @Test
    void badSendsAreRefusedAndStoreNothing() {
        String owner = newUser();
        String stranger = newUser();
        String roomId = createRoom(owner, "Strict", "private");

        send(owner, roomId, "k1", "").expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("text");
        send(owner, roomId, "k2", "   ").expectStatus().isBadRequest();
        send(owner, roomId, "k3", "x".repeat(4001)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("text");
        send(owner, roomId, "", "text").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("clientMsgId");
        send(stranger, roomId, "k4", "let me in").expectStatus().isForbidden();
        send(owner, "no-such-conversation", "k5", "anyone?").expectStatus().isNotFound();
        send(owner, "bad id!", "k6", "text").expectStatus().isBadRequest();
        Map<String, Object> badReply = new HashMap<>(Map.of("clientMsgId", "k7", "text", "re", "replyTo", "nope"));
        as(owner).post().uri("/api/conversations/{id}/messages", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(badReply)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("replyTo");
        http().post().uri("/api/conversations/{id}/messages", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", "k8", "text", "anon"))
                .exchange()
                .expectStatus().isUnauthorized();

        Map<?, ?> history = history(owner, roomId, "");
        assertThat(seqs(history)).isEmpty();
        assertThat(history.get("latestSeq")).isEqualTo(0);
        // The longest allowed text and a reply to a real message are fine, and take seq 1 and 2: nothing was used up.
        Map<?, ?> longest = sent(owner, roomId, "x".repeat(4000));
        assertThat(longest.get("seq")).isEqualTo(1);
        Map<String, Object> reply = Map.of("clientMsgId", "k9", "text", "re", "replyTo", longest.get("messageId"));
        as(owner).post().uri("/api/conversations/{id}/messages", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(reply)
                .exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.message.seq").isEqualTo(2)
                .jsonPath("$.message.replyTo").isEqualTo(longest.get("messageId"));
    }

    @Test
    void historyPagesBySeq() {
        String owner = newUser();
        String reader = newUser();
        String roomId = createRoom(owner, "History", "private");
        addMember(owner, roomId, reader);
        assertThat(seqs(history(reader, roomId, ""))).isEmpty();
        for (int i = 1; i <= 25; i++) {
            sent(owner, roomId, "message " + i);
        }

        Map<?, ?> newest = history(reader, roomId, "?limit=10");
        assertThat(seqs(newest)).containsExactlyElementsOf(range(16, 25));
        assertThat(newest.get("hasMore")).isEqualTo(true);
        assertThat(newest.get("latestSeq")).isEqualTo(25);
        Map<?, ?> older = history(reader, roomId, "?before=16&limit=10");
        assertThat(seqs(older)).containsExactlyElementsOf(range(6, 15));
        assertThat(older.get("hasMore")).isEqualTo(true);
        Map<?, ?> oldest = history(reader, roomId, "?before=6&limit=10");
        assertThat(seqs(oldest)).containsExactlyElementsOf(range(1, 5));
        assertThat(oldest.get("hasMore")).isEqualTo(false);
        Map<?, ?> resume = history(reader, roomId, "?after=5&limit=5");
        assertThat(seqs(resume)).containsExactlyElementsOf(range(6, 10));
        assertThat(resume.get("hasMore")).isEqualTo(true);
        Map<?, ?> tail = history(reader, roomId, "?after=20&limit=10");
        assertThat(seqs(tail)).containsExactlyElementsOf(range(21, 25));
        assertThat(tail.get("hasMore")).isEqualTo(false);
        Map<?, ?> caughtUp = history(reader, roomId, "?after=25");
        assertThat(seqs(caughtUp)).isEmpty();
        assertThat(caughtUp.get("hasMore")).isEqualTo(false);
        assertThat(seqs(history(reader, roomId, "?after=5&before=9"))).containsExactly(6L, 7L, 8L);
        for (String bad : new String[] {"?limit=0", "?limit=201", "?before=-1", "?after=x"}) {
            as(reader).get().uri("/api/conversations/" + roomId + "/messages" + bad).exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }

        HistoryResponse viaGrpc = ChatServiceGrpc.newBlockingStub(grpcChannel())
                .history(HistoryRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(roomId))
                        .setViewerUserId(reader)
                        .setAfterSeq(20)
                        .build());
        assertThat(viaGrpc.getMessagesList()).extracting(message -> message.getSeq())
                .containsExactlyElementsOf(range(21, 25));
        assertThat(viaGrpc.getLatestSeq()).isEqualTo(25);
        assertThat(viaGrpc.getHasMore()).isFalse();
        assertGrpcStatus(() -> ChatServiceGrpc.newBlockingStub(grpcChannel())
                .history(HistoryRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(roomId))
                        .setViewerUserId(newUser())
                        .build()), Status.Code.PERMISSION_DENIED);
        assertGrpcStatus(() -> ChatServiceGrpc.newBlockingStub(grpcChannel())
                .history(HistoryRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId("missing-" + UUID.randomUUID()))
                        .setViewerUserId(reader)
                        .build()), Status.Code.NOT_FOUND);
    }

    @Test
    void grpcCallsWithoutTheServiceCredentialsAreRefusedAndChangeNothing() {
        String owner = newUser();
        String roomId = createRoom(owner, "Guarded", "private");
        SendMessageRequest send = SendMessageRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(roomId))
                .setSenderUserId(owner)
                .setClientMsgId("no-credentials")
                .setText("should not be stored")
                .build();
        io.grpc.ManagedChannel bare = io.grpc.ManagedChannelBuilder.forTarget(grpcChannel().authority())
                .usePlaintext()
                .build();
        io.grpc.ManagedChannel wrong = io.grpc.ManagedChannelBuilder.forTarget(grpcChannel().authority())
                .usePlaintext()
                .intercept(withServiceToken("not-the-token"))
                .build();
        try {
            assertGrpcStatus(() -> ChatServiceGrpc.newBlockingStub(bare).sendMessage(send),
                    Status.Code.UNAUTHENTICATED);
            assertGrpcStatus(() -> ChatServiceGrpc.newBlockingStub(wrong).sendMessage(send),
                    Status.Code.UNAUTHENTICATED);
            // Health stays open to probes without credentials.
            assertThat(io.grpc.health.v1.HealthGrpc.newBlockingStub(bare)
                    .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            bare.shutdownNow();
            wrong.shutdownNow();
        }
        assertThat(seqs(history(owner, roomId, ""))).isEmpty();
    }

    private static void assertGrpcStatus(Runnable call, Status.Code expected) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(expected);
            return;
        }
        throw new AssertionError("expected " + expected);
    }

    private static java.util.List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
