package io.chatplatform.loadtest.chatsend;

import io.chatplatform.loadtest.server.TokenIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the rooms through chat-service's REST API, as a person would: the owner creates each private room and adds
 * its senders as members.
 */
final class RoomSetup {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CONCURRENCY = 16;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;

    RoomSetup(String baseUrl, TokenIssuer tokens, String ownerId) {
        String authorization = "Bearer " + tokens.tokenFor(ownerId);
        this.http = HttpClient.create()
                .baseUrl(baseUrl)
                .responseTimeout(TIMEOUT)
                .headers(headers -> headers.add("Authorization", authorization)
                        .add("Content-Type", "application/json")
                        .add("Accept", "application/json"));
    }

    /** Creates {@code rooms} rooms with {@code users} senders spread over them; returns the room ids in order. */
    Workload create(String runId, int rooms, int users, String text) {
        List<String> roomIds = Flux.range(0, rooms)
                .flatMapSequential(room -> createRoom("load " + runId + " " + room), CONCURRENCY)
                .collectList()
                .block(TIMEOUT.multipliedBy(1 + rooms / CONCURRENCY));
        Workload workload = new Workload(runId, roomIds, users, text);
        Flux.range(0, users)
                .flatMap(user -> addMember(roomIds.get(workload.roomOf(user)), workload.userId(user)), CONCURRENCY)
                .blockLast(TIMEOUT.multipliedBy(1 + users / CONCURRENCY));
        return workload;
    }

    private Mono<String> createRoom(String name) {
        return post("/api/rooms", Map.of("name", name, "visibility", "private"), 201)
                .map(room -> (String) room.get("id"));
    }

    private Mono<Map<?, ?>> addMember(String roomId, String userId) {
        return post("/api/rooms/" + roomId + "/members", Map.of("userId", userId), 201);
    }

    private Mono<Map<?, ?>> post(String path, Map<String, String> body, int expectedStatus) {
        return http.post()
                .uri(path)
                .send(ByteBufMono.fromString(Mono.just(JSON.writeValueAsString(body))))
                .responseSingle((response, content) -> content.asString()
                        .defaultIfEmpty("")
                        .flatMap(text -> response.status().code() == expectedStatus
                                ? Mono.just((Map<?, ?>) JSON.readValue(text, Map.class))
                                : Mono.error(new IllegalStateException("POST " + path + " answered "
                                        + response.status() + ": " + text))));
    }
}
