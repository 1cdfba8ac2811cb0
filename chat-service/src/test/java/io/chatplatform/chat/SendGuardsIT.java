package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.SendMessageRequest;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** What stands between a send and the store: account status, the rate limit, and mention resolution. */
class SendGuardsIT extends ChatServiceITSupport {

    @Autowired
    private KafkaPublisher kafka;

    @Test
    void aBlockedUserCannotSendOverRestOrGrpcUntilUnblocked() {
        String owner = newUser();
        String member = newUser();
        String roomId = createRoom(owner, "Guarded", "private");
        addMember(owner, roomId, member);
        sent(member, roomId, "before the block");

        AuthEventsFixture.publish(kafka, member,
                AuthEventsFixture.statusChanged(member, AccountStatus.ACCOUNT_STATUS_BLOCKED, Instant.now()));
        // The block takes effect once this instance consumed the event: a send that arrives first is accepted and
        // stored (as it would have been a moment earlier), so the attempts are counted, not assumed refused.
        AtomicInteger acceptedBeforeTheBlock = new AtomicInteger();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            EntityExchangeResult<String> attempt = send(member, roomId, UUID.randomUUID().toString(), "blocked?")
                    .expectBody(String.class).returnResult();
            if (attempt.getStatus().is2xxSuccessful()) {
                acceptedBeforeTheBlock.incrementAndGet();
            }
            assertThat(attempt.getStatus().value()).isEqualTo(403);
            assertThat(attempt.getResponseBody()).contains("Your account is blocked.");
        });
        assertThatThrownBy(() -> ChatServiceGrpc.newBlockingStub(grpcChannel()).sendMessage(grpcSend(roomId, member)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        send(member, roomId, UUID.randomUUID().toString(), "still blocked?").expectStatus().isForbidden();
        assertThat(seqs(history(owner, roomId, ""))).as("nothing stored while blocked")
                .hasSize(1 + acceptedBeforeTheBlock.get());

        AuthEventsFixture.publish(kafka, member,
                AuthEventsFixture.statusChanged(member, AccountStatus.ACCOUNT_STATUS_ACTIVE, Instant.now()));
        await().atMost(TIMEOUT).untilAsserted(() -> send(member, roomId, UUID.randomUUID().toString(), "back")
                .expectStatus().isCreated());
    }

    @Test
    void overTheRateLimitASendIsRefusedButARetryOfAStoredOneIsNot() {
        String owner = newUser();
        String roomId = createRoom(owner, "Busy", "private");
        String other = createRoom(owner, "Other", "private");
        String firstKey = UUID.randomUUID().toString();
        send(owner, roomId, firstKey, "message 0").expectStatus().isCreated();
        for (int i = 1; i < 30; i++) {
            sent(owner, roomId, "message " + i);
        }

        send(owner, roomId, UUID.randomUUID().toString(), "one too many")
                .expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.type").isEqualTo("https://chat.example/problems/rate-limited");
        assertThatThrownBy(() -> ChatServiceGrpc.newBlockingStub(grpcChannel()).sendMessage(grpcSend(roomId, owner)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        send(owner, roomId, firstKey, "message 0").expectStatus().isOk()
                .expectBody().jsonPath("$.duplicate").isEqualTo(true);
        send(owner, other, UUID.randomUUID().toString(), "elsewhere").expectStatus().isCreated();
        assertThat(history(owner, roomId, "?limit=100").get("latestSeq")).isEqualTo(30);
    }

    @Test
    void retriesOfAStoredSendDoNotCountAgainstTheRateLimit() {
        String owner = newUser();
        String roomId = createRoom(owner, "Retried", "private");
        String key = UUID.randomUUID().toString();
        send(owner, roomId, key, "sent once").expectStatus().isCreated();
        for (int i = 0; i < 40; i++) {
            send(owner, roomId, key, "sent once").expectStatus().isOk()
                    .expectBody().jsonPath("$.duplicate").isEqualTo(true);
        }

        // 30 per window: the first send and 29 more fit, as if the 40 retries had never been made.
        for (int i = 1; i < 30; i++) {
            sent(owner, roomId, "message " + i);
        }
        send(owner, roomId, UUID.randomUUID().toString(), "one too many").expectStatus().isEqualTo(429);
        assertThat(history(owner, roomId, "?limit=100").get("latestSeq")).isEqualTo(30);
    }

    @Test
    void mentionsResolveToUserIds() {
        String owner = newUser();
        String alice = newUser();
        String aliceName = "alice_" + UUID.randomUUID().toString().substring(0, 8);
        AuthEventsFixture.publish(kafka, alice, AuthEventsFixture.registered(alice, aliceName));
        String roomId = createRoom(owner, "Mentions", "private");

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Map<?, ?> message = sent(owner, roomId, "hi @" + aliceName.toUpperCase() + " and @nobody_here_" + owner);
            assertThat(message.get("mentions")).isEqualTo(List.of(alice));
        });
    }

    private static SendMessageRequest grpcSend(String roomId, String sender) {
        return SendMessageRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(roomId))
                .setSenderUserId(sender)
                .setClientMsgId(UUID.randomUUID().toString())
                .setText("over gRPC")
                .build();
    }
}
