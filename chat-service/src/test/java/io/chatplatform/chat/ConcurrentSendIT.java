package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** Two chat-service instances (two Spring contexts on one MongoDB) writing into one room at once. */
class ConcurrentSendIT extends ChatServiceITSupport {

    private static ConfigurableApplicationContext secondInstance;
    private static int secondPort;

    @BeforeAll
    static void startSecondInstance() {
        // The production builder, as the standalone launcher uses it; its relay stays off so the first one publishes.
        secondInstance = ChatServiceApplication.application()
                .sources(TestTokens.Config.class)
                // Arguments, not default properties: the service's own file sets its ports, and those would win.
                .run("--server.port=0", "--spring.grpc.server.port=0",
                        "--chat.chat-service.outbox.relay-enabled=false");
        secondPort = secondInstance.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stopSecondInstance() {
        if (secondInstance != null) {
            secondInstance.close();
        }
    }

    @Test
    void concurrentSendsFromTwoInstancesGetGapFreeSeqsAndNoDuplicates() {
        String owner = newUser();
        String other = newUser();
        String roomId = createRoom(owner, "Race", "private");
        addMember(owner, roomId, other);
        int keys = 30;

        // Every key is sent twice, once to each instance, all at the same time.
        List<Sent> results = Flux.range(0, keys * 2)
                .parallel(12)
                .runOn(Schedulers.boundedElastic())
                .map(i -> sendTo(i % 2 == 0 ? port : secondPort, i % 4 < 2 ? owner : other, roomId, i / 2))
                .sequential()
                .collectList()
                .block(TIMEOUT);

        Map<String, List<Sent>> byKey = results.stream()
                .collect(Collectors.groupingBy(sent -> sent.clientMsgId() + "@" + sent.sender()));
        // Keys are per sender: i/2 with sender chosen by i%4 means each (sender, key) pair is sent twice.
        assertThat(byKey).allSatisfy((key, sends) -> {
            assertThat(sends).hasSize(2);
            assertThat(sends).extracting(Sent::messageId).containsOnly(sends.get(0).messageId());
            assertThat(sends).extracting(Sent::seq).containsOnly(sends.get(0).seq());
            assertThat(sends).extracting(Sent::status).containsExactlyInAnyOrder(201, 200);
        });
        List<Long> stored = seqs(history(owner, roomId, "?limit=200"));
        assertThat(stored).containsExactlyElementsOf(LongStream.rangeClosed(1, byKey.size()).boxed().toList());
        assertThat(byKey.values().stream().map(sends -> sends.get(0).seq()).sorted().toList())
                .containsExactlyElementsOf(stored);
        // The second instance reads the same history.
        Map<?, ?> fromSecond = as(secondPort, other).get()
                .uri("/api/conversations/{id}/messages?limit=200", roomId)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(seqs(fromSecond)).containsExactlyElementsOf(stored);
    }

    @Test
    void theFirstPageReadOnOneInstanceShowsWhatTheOtherStoredBeyondWhatItKnows() {
        String owner = newUser();
        String roomId = createRoom(owner, "Elsewhere", "private");
        // Senders take turns: one user may send 30 messages to a room per 10 s.
        List<String> senders = List.of(owner, newUser(), newUser(), newUser());
        senders.subList(1, senders.size()).forEach(member -> addMember(owner, roomId, member));
        for (int key = 0; key < 5; key++) {
            sendTo(secondPort, senders.get(key % senders.size()), roomId, key);
        }
        // This instance stored nothing here: the latest seq and the page come from one read.
        Map<?, ?> first = history(owner, roomId, "?limit=3");
        assertThat(seqs(first)).containsExactly(3L, 4L, 5L);
        assertThat(first.get("latestSeq")).isEqualTo(5);
        assertThat(first.get("hasMore")).isEqualTo(true);

        // Then more entries than the read probes beyond what this instance knows (it now knows seq 5).
        for (int key = 5; key < 60; key++) {
            sendTo(secondPort, senders.get(key % senders.size()), roomId, key);
        }
        Map<?, ?> later = history(owner, roomId, "?limit=3");
        assertThat(seqs(later)).containsExactly(58L, 59L, 60L);
        assertThat(later.get("latestSeq")).isEqualTo(60);
        assertThat(seqs(history(owner, roomId, "?limit=200")))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 60).boxed().toList());
    }

    /**
     * The second instance keeps the membership it read for minutes ({@code membership-cache-ttl}, 5 min by default);
     * a removal made through the first raises the room's member version, which the second sees when it reads the
     * room again, after {@code access-cache-ttl} (1 s).
     */
    @Test
    void aMemberRemovedThroughOneInstanceLosesAccessOnTheOtherWithinTheAccessTtl() {
        String owner = newUser();
        String member = newUser();
        String roomId = createRoom(owner, "Leaving", "private");
        addMember(owner, roomId, member);
        sendTo(secondPort, member, roomId, 1);
        historyOn(secondPort, member, roomId).expectStatus().isOk();

        as(owner).delete()
                .uri("/api/rooms/{id}/members/{userId}", roomId, member)
                .exchange()
                .expectStatus().isNoContent();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> historyOn(secondPort, member, roomId).expectStatus().isForbidden());
        as(secondPort, member).post()
                .uri("/api/conversations/{id}/messages", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", "after-removal", "text", "still here?"))
                .exchange()
                .expectStatus().isForbidden();
        // The owner, whose membership the removal did not touch, still reads there (after reading it again).
        historyOn(secondPort, owner, roomId).expectStatus().isOk();
    }

    private static WebTestClient.ResponseSpec historyOn(int port, String viewer, String roomId) {
        return as(port, viewer).get()
                .uri("/api/conversations/{id}/messages?limit=10", roomId)
                .exchange();
    }

    private static Sent sendTo(int port, String sender, String roomId, int key) {
        EntityExchangeResult<Map> result = as(port, sender).post()
                .uri("/api/conversations/{id}/messages", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", "key-" + key, "text", "text " + key))
                .exchange()
                .expectBody(Map.class)
                .returnResult();
        Map<?, ?> message = (Map<?, ?>) result.getResponseBody().get("message");
        assertThat(message).as("response %s", result.getResponseBody()).isNotNull();
        return new Sent(sender, "key-" + key, (String) message.get("messageId"),
                ((Number) message.get("seq")).longValue(), result.getStatus().value());
    }

    private record Sent(String sender, String clientMsgId, String messageId, long seq, int status) {
    }

}
