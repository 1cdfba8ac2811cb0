package io.chatplatform.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.chatplatform.gateway.edge.EdgeProperties;
import io.chatplatform.gateway.edge.RequestTooLargeException;
import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.support.ratelimit.RateLimitedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway as it runs in production (its own {@code gateway.yml}, real sockets, Redis from embedded-infra) in
 * front of stub services that are real HTTP servers. Behind a trusted proxy: each test speaks as its own client
 * address through {@code X-Forwarded-For}, so the per-IP limit of one test never touches another.
 */
@WithEmbeddedInfra
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=" + GatewayApplication.CONFIG_NAME,
                "chat.gateway.trust-forwarded-for=true",
                "chat.gateway.rate-limit.requests=" + GatewayIT.LIMIT,
                "chat.gateway.max-request-size=" + GatewayIT.MAX_BODY + "B"})
class GatewayIT {

    static final int LIMIT = 5;
    static final int MAX_BODY = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger CLIENTS = new AtomicInteger(ThreadLocalRandom.current().nextInt(60_000));
    private static final StubBackends BACKENDS = StubBackends.start();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.register(registry);
    }

    @AfterAll
    static void stopBackends() {
        BACKENDS.close();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            POST   | /api/auth/register                                 | auth-service
            POST   | /api/auth/login                                    | auth-service
            POST   | /api/auth/password-reset/confirm                   | auth-service
            DELETE | /api/auth/sessions/s-1                             | auth-service
            GET    | /api/users/me                                      | auth-service
            PATCH  | /api/users/me                                      | auth-service
            GET    | /api/users?query=al%20ice&limit=20                 | auth-service
            GET    | /.well-known/jwks.json                             | auth-service
            POST   | /api/rooms                                         | chat-service
            GET    | /api/rooms                                         | chat-service
            GET    | /api/rooms/public                                  | chat-service
            POST   | /api/rooms/r-1/join                                | chat-service
            DELETE | /api/rooms/r-1/members/u-2                         | chat-service
            POST   | /api/dm/u-2                                        | chat-service
            GET    | /api/conversations                                 | chat-service
            POST   | /api/conversations/c-1/messages                    | chat-service
            GET    | /api/conversations/c-1/messages?before=9&limit=20  | chat-service
            PATCH  | /api/conversations/c-1/messages/m-1                | chat-service
            POST   | /api/conversations/c-1/read                        | chat-service
            GET    | /api/presence?users=u-1,u-2                        | websocket-service
            POST   | /api/reports                                       | moderation-service
            POST   | /api/moderation/messages/hide                      | moderation-service
            DELETE | /api/moderation/blocks/u-2                         | moderation-service
            GET    | /api/notifications/vapid-public-key                | notification-service
            DELETE | /api/notifications/subscriptions                   | notification-service
            PUT    | /api/notifications/preferences                     | notification-service
            """)
    void everyPublicPathReachesItsServiceWithPathQueryAndBodyUnchanged(String method, String path, String service) {
        String clientIp = newClientIp();
        byte[] body = "{\"probe\":true}".getBytes();
        boolean withBody = List.of("POST", "PUT", "PATCH").contains(method);

        WebTestClient.RequestBodySpec request = client(clientIp)
                .method(HttpMethod.valueOf(method))
                .uri(URI.create(baseUrl() + path));
        (withBody ? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : request)
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.service").isEqualTo(service)
                .jsonPath("$.uri").isEqualTo(path);

        List<StubBackend.Received> received = BACKENDS.get(service).received().stream()
                .filter(seen -> clientIp.equals(seen.clientIp()))
                .toList();
        assertThat(received).singleElement().satisfies(seen -> {
            assertThat(seen.method()).isEqualTo(method);
            assertThat(seen.uri()).isEqualTo(path);
            assertThat(seen.bodyBytes()).isEqualTo(withBody ? body.length : 0);
            // Behind a trusted proxy its chain goes on as it came; the client's address is its last entry.
            assertThat(seen.forwardedFor()).isEqualTo(clientIp);
        });
        assertThat(BACKENDS.receivedFrom(clientIp)).as("no other service got it").hasSize(1);
    }

    @Test
    void webSocketUpgradeIsProxiedToTheWebSocketService() {
        String clientIp = newClientIp();

        Flux<String> echoed = HttpClient.create()
                .headers(headers -> headers.set("Origin", "http://localhost:8080").set("X-Forwarded-For", clientIp))
                .websocket()
                .uri("ws://127.0.0.1:" + port + "/ws")
                .handle((in, out) -> out.sendString(Mono.just("hello"))
                        .then()
                        .thenMany(in.receive()
                                .asString()
                                .take(1)));

        StepVerifier.create(echoed)
                .expectNext("echo:hello")
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(BACKENDS.get("websocket-service").received())
                .filteredOn(handshake -> clientIp.equals(handshake.clientIp()))
                .singleElement()
                .satisfies(handshake -> {
                    assertThat(handshake.uri()).isEqualTo("/ws");
                    // websocket-service checks the origin against its allowlist: it must arrive unchanged.
                    assertThat(handshake.headers().get("Origin")).isEqualTo("http://localhost:8080");
                });
    }

    @Test
    void rootServesTheWebClient() {
        client(newClientIp()).get().uri("/")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> assertThat(html)
                        .contains("<title>Chat platform</title>")
                        .contains("<script type=\"module\" src=\"/js/app.js\"></script>"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/js/app.js", "/api/rooms", "/api/no-such-service", "/no-such-file.js"})
    void everyResponseCarriesTheSecurityHeadersAndNoHstsOverPlainHttp(String path) {
        client(newClientIp()).get().uri(path)
                .exchange()
                .expectHeader().valueEquals("Content-Security-Policy",
                        EdgeProperties.SecurityHeaders.DEFAULT_CONTENT_SECURITY_POLICY)
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().doesNotExist("Strict-Transport-Security");
    }

    @Test
    void theContentSecurityPolicyForbidsInlineScript() {
        String policy = EdgeProperties.SecurityHeaders.DEFAULT_CONTENT_SECURITY_POLICY;

        assertThat(policy).contains("script-src 'self';", "object-src 'none'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
    }

    @Test
    void errorsFromTheGatewayItselfAreProblemsWithTheSecurityHeaders() {
        client(newClientIp()).get().uri("/api/no-such-service")
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Content-Security-Policy")
                .expectBody().jsonPath("$.status").isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/rooms", "/api/no-such-service"})
    void hstsIsSentWhenTheTrustedProxySaysTheClientUsedTls(String path) {
        client(newClientIp()).get().uri(path)
                .header("X-Forwarded-Proto", "https")
                .exchange()
                .expectHeader().valueEquals("Strict-Transport-Security", "max-age=31536000")
                .expectHeader().exists("Content-Security-Policy");
    }

    @Test
    void anAddressOverTheLimitGets429WithRetryAfterAndTheServicesNeverSeeIt() {
        String clientIp = newClientIp();
        WebTestClient client = client(clientIp);
        for (int request = 0; request < LIMIT; request++) {
            client.get().uri("/api/rooms").exchange().expectStatus().isOk();
        }

        client.get().uri("/api/rooms")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value("Retry-After", seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L))
                .expectHeader().exists("Content-Security-Policy")
                .expectBody()
                .jsonPath("$.type").isEqualTo(RateLimitedException.TYPE_URI)
                .jsonPath("$.status").isEqualTo(429)
                .jsonPath("$.instance").isEqualTo("/api/rooms")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("Try again in"))
                .jsonPath("$." + RateLimitedException.RETRY_AFTER_SECONDS).isNumber();
        // The WebSocket upgrade counts against the same address.
        StepVerifier.create(HttpClient.create()
                        .headers(headers -> headers.set("X-Forwarded-For", clientIp))
                        .websocket()
                        .uri("ws://127.0.0.1:" + port + "/ws")
                        .handle((in, out) -> in.receive().then()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOfSatisfying(WebSocketClientHandshakeException.class, handshake ->
                                assertThat(handshake.response().status().code()).isEqualTo(429)))
                .verify(TIMEOUT);

        assertThat(BACKENDS.receivedFrom(clientIp)).hasSize(LIMIT);
        // Static files are not counted, and another client is not affected.
        client.get().uri("/js/app.js").exchange().expectStatus().isOk();
        client(newClientIp()).get().uri("/api/rooms").exchange().expectStatus().isOk();
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413BeforeTheServiceSeesIt() {
        String clientIp = newClientIp();

        client(clientIp).post().uri("/api/conversations/c-1/messages")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(new byte[MAX_BODY + 1])
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Content-Security-Policy")
                .expectBody()
                .jsonPath("$.type").isEqualTo(RequestTooLargeException.TYPE_URI)
                .jsonPath("$.status").isEqualTo(413)
                .jsonPath("$." + RequestTooLargeException.MAX_BYTES).isEqualTo(MAX_BODY);

        assertThat(BACKENDS.receivedFrom(clientIp)).isEmpty();
    }

    @Test
    void aBodyOfExactlyTheLimitIsForwardedWhole() {
        String clientIp = newClientIp();

        client(clientIp).post().uri("/api/conversations/c-1/messages")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(new byte[MAX_BODY])
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.bodyBytes").isEqualTo(MAX_BODY);
    }

    @Test
    void aStreamedBodyWithoutLengthIsCutAtTheLimitAndNeverReachesTheServiceWhole() {
        String clientIp = newClientIp();

        Tuple2<Integer, String> answer = postChunked(clientIp, 12, 8 * 1024);

        assertThat(answer.getT1()).isEqualTo(413);
        assertThat(answer.getT2()).contains(RequestTooLargeException.TYPE_URI);
        assertThat(BACKENDS.receivedFrom(clientIp)).isEmpty();
    }

    @Test
    void aStreamedBodyWithinTheLimitIsForwardedWhole() {
        String clientIp = newClientIp();

        Tuple2<Integer, String> answer = postChunked(clientIp, 4, 8 * 1024);

        assertThat(answer.getT1()).isEqualTo(200);
        assertThat(BACKENDS.receivedFrom(clientIp)).singleElement()
                .satisfies(request -> assertThat(request.bodyBytes()).isEqualTo(4 * 8 * 1024));
    }

    @Test
    void requestHeadsOverTheHeaderLimitAreRefused() {
        client(newClientIp()).get().uri("/api/rooms")
                .header("X-Padding", "a".repeat(9 * 1024))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    /** A POST without Content-Length: the body goes out chunked as it is produced. */
    private Tuple2<Integer, String> postChunked(String clientIp, int chunks, int chunkSize) {
        Flux<ByteBuf> body = Flux.range(0, chunks)
                .map(chunk -> Unpooled.wrappedBuffer(new byte[chunkSize]));
        return HttpClient.create()
                .headers(headers -> headers.set("X-Forwarded-For", clientIp)
                        .set("Content-Type", "application/octet-stream"))
                .post()
                .uri(baseUrl() + "/api/conversations/c-1/messages")
                .send(body)
                .responseSingle((response, content) -> content.asString()
                        .defaultIfEmpty("")
                        .map(text -> Tuples.of(response.status().code(), text)))
                .block(TIMEOUT);
    }

    private WebTestClient client(String clientIp) {
        return WebTestClient.bindToServer()
                .baseUrl(baseUrl())
                .responseTimeout(TIMEOUT)
                .defaultHeader("X-Forwarded-For", clientIp)
                .build();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A client address no other test uses (198.18.0.0/15, the benchmarking range). */
    private static String newClientIp() {
        int client = CLIENTS.incrementAndGet();
        return "198." + (18 + (client >> 16 & 1)) + "." + (client >> 8 & 0xff) + "." + (client & 0xff);
    }
}
