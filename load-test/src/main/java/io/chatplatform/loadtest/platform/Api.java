package io.chatplatform.loadtest.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform's REST API as the scenarios use it (docs/api.md): register, log in, rooms, DMs, history. A 429 is
 * waited out for its {@code Retry-After} and tried again, so setup respects the platform's rate limits (slowly)
 * instead of failing; a benchmark platform may relax them (docs/benchmarks.md).
 */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_RATE_LIMIT_WAITS = 1_000;

    private final HttpClient auth;
    private final HttpClient chat;
    private final AtomicLong rateLimitWaits = new AtomicLong();

    /**
     * @param authBase where {@code /api/auth/**} is (the gateway, or auth-service)
     * @param chatBase where rooms, DMs and messages are (the gateway, or chat-service directly)
     */
    Api(URI authBase, URI chatBase, int maxConnections) {
        HttpClient http = HttpClient.create(ConnectionProvider.create("load-test-api", maxConnections))
                .responseTimeout(TIMEOUT)
                .headers(headers -> headers.add("Content-Type", "application/json").add("Accept", "application/json"));
        this.auth = http.baseUrl(authBase.toString().replaceAll("/$", ""));
        this.chat = http.baseUrl(chatBase.toString().replaceAll("/$", ""));
    }

    /** A logged-in user. */
    record Session(String userId, String username, String token) {
    }

    /** An answer with a status the caller did not expect. */
    static final class UnexpectedStatus extends RuntimeException {
        final int status;
        final long retryAfterSeconds;

        UnexpectedStatus(String request, int status, long retryAfterSeconds, String body) {
            super(request + " answered " + status + ": " + body);
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /** How often setup waited out a 429 so far. */
    long rateLimitWaits() {
        return rateLimitWaits.get();
    }

    Mono<Session> registerAndLogin(String username, String password) {
        Map<String, String> account = Map.of("username", username, "email", username + "@load.example",
                "password", password);
        return call("POST", "/api/auth/register", null, account, 201)
                .onErrorResume(UnexpectedStatus.class, e -> e.status == 409
                        // Already there from an earlier run with the same --user-prefix: log in.
                        ? Mono.just(JSON.createObjectNode())
                        : Mono.error(e))
                .then(call("POST", "/api/auth/login", null, Map.of("login", username, "password", password), 200))
                .map(login -> new Session(login.path("userId").asString(), username,
                        login.path("accessToken").asString()));
    }

    Mono<String> createRoom(Session owner, String name) {
        return call("POST", "/api/rooms", owner, Map.of("name", name, "visibility", "public"), 201)
                .map(room -> room.path("id").asString());
    }

    Mono<Void> join(Session user, String roomId) {
        return call("POST", "/api/rooms/" + roomId + "/join", user, Map.of(), 200).then();
    }

    Mono<String> openDm(Session user, String otherUserId) {
        return call("POST", "/api/dm/" + otherUserId, user, Map.of(), 200)
                .map(dm -> dm.path("id").asString());
    }

    Mono<JsonNode> post(Session user, String conversationId, String clientMsgId, String text) {
        return call("POST", "/api/conversations/" + conversationId + "/messages", user,
                Map.of("clientMsgId", clientMsgId, "text", text), 201);
    }

    /** One page of history: {@code limit} newest entries, without retrying a 429 (a read is measured as it is). */
    Mono<JsonNode> history(Session user, String conversationId, int limit) {
        return once("GET", "/api/conversations/" + conversationId + "/messages?limit=" + limit, user, null, 200);
    }

    /** A request; a 429 is waited out ({@code Retry-After}) and repeated. */
    private Mono<JsonNode> call(String method, String path, Session user, Object body, int expected) {
        return once(method, path, user, body, expected)
                .retryWhen(Retry.from(signals -> signals.concatMap(signal -> {
                    if (signal.failure() instanceof UnexpectedStatus e && e.status == 429
                            && signal.totalRetries() < MAX_RATE_LIMIT_WAITS) {
                        rateLimitWaits.incrementAndGet();
                        return Mono.delay(Duration.ofSeconds(Math.max(1, e.retryAfterSeconds)));
                    }
                    return Mono.error(signal.failure());
                })));
    }

    private Mono<JsonNode> once(String method, String path, Session user, Object body, int expected) {
        HttpClient base = path.startsWith("/api/auth/") ? auth : chat;
        HttpClient client = user == null ? base
                : base.headers(headers -> headers.set("Authorization", "Bearer " + user.token()));
        HttpClient.ResponseReceiver<?> request = switch (method) {
            case "GET" -> client.get().uri(path);
            case "POST" -> client.post()
                    .uri(path)
                    .send(ByteBufMono.fromString(Mono.just(JSON.writeValueAsString(body))));
            default -> throw new IllegalArgumentException(method);
        };
        return request.responseSingle((response, content) -> content.asString()
                .defaultIfEmpty("")
                .flatMap(text -> answer(method + " " + path, response, text, expected)));
    }

    private static Mono<JsonNode> answer(String request, HttpClientResponse response, String text, int expected) {
        int status = response.status().code();
        if (status == expected) {
            return Mono.just(text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text));
        }
        long retryAfter = parseLong(response.responseHeaders().get("Retry-After"));
        return Mono.error(new UnexpectedStatus(request, status, retryAfter, text));
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
