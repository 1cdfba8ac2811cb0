package io.chatplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.chatplatform.standalone.StandaloneProperties;
import io.chatplatform.standalone.StandalonePlatform;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Boots the standalone wiring (embedded infrastructure, every service, the gateway) exactly as the README's
 * run command does, on free ports, and checks what an operator and the other services rely on.
 */
class StandalonePlatformIT {

    @TempDir
    static Path dataDir;

    static StandalonePlatform platform;

    @BeforeAll
    static void start() {
        platform = StandalonePlatform.start(freePorts(dataDir));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    static StandaloneProperties freePorts(Path dir) {
        return StandalonePlatform.settings(
                "--standalone.data-dir=" + dir,
                "--standalone.ports.gateway=0", "--standalone.ports.auth=0", "--standalone.ports.chat=0",
                "--standalone.ports.websocket=0", "--standalone.ports.moderation=0",
                "--standalone.ports.notification=0", "--standalone.ports.auth-grpc=0",
                "--standalone.ports.chat-grpc=0", "--standalone.ports.moderation-grpc=0",
                "--standalone.ports.kafka=0", "--standalone.ports.kafka-controller=0",
                "--standalone.ports.redis=0", "--standalone.ports.mongo=0", "--standalone.ports.smtp=0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth-service", "chat-service", "moderation-service", "notification-service",
            "websocket-service", "gateway"})
    void everyServiceIsLiveAndReady(String service) {
        WebTestClient client = client(httpPort(service));

        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            client.get().uri(path).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("UP");
        }
        client.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth", "chat", "moderation"})
    void grpcServersAnswerHealthChecks(String service) throws InterruptedException {
        StandalonePlatform.ResolvedPorts ports = platform.ports();
        int port = switch (service) {
            case "auth" -> ports.authGrpc();
            case "chat" -> ports.chatGrpc();
            default -> ports.moderationGrpc();
        };
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            ServingStatus status = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus();
            assertThat(status).isEqualTo(ServingStatus.SERVING);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void gatewayServesTheWebClient() {
        client(platform.ports().gateway()).get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> assertThat(html).contains("<title>Chat platform</title>"));
    }

    @Test
    void gatewayRoutesApiPathsToTheOwningServiceWithProblemDetails() {
        // No auth endpoint exists yet at this path: the 404 must come from auth-service, as RFC 9457 JSON.
        client(platform.ports().gateway()).get().uri("/api/auth/no-such-endpoint").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
    }

    @Test
    void mongoCollectionRoundTrip() {
        ReactiveMongoTemplate mongo = platform.context("chat-service").getBean(ReactiveMongoTemplate.class);
        String id = UUID.randomUUID().toString();

        Mono<Document> roundTrip = mongo.insert(new Document("_id", id).append("text", "hello"), "e2e_probe")
                .then(mongo.findById(id, Document.class, "e2e_probe"));

        StepVerifier.create(roundTrip)
                .assertNext(doc -> assertThat(doc.getString("text")).isEqualTo("hello"))
                .verifyComplete();
        assertThat(mongo.getMongoDatabase().map(db -> db.getName()).block(Duration.ofSeconds(5))).isEqualTo("chat");
    }

    private static int httpPort(String service) {
        StandalonePlatform.ResolvedPorts ports = platform.ports();
        return switch (service) {
            case "auth-service" -> ports.auth();
            case "chat-service" -> ports.chat();
            case "moderation-service" -> ports.moderation();
            case "notification-service" -> ports.notification();
            case "websocket-service" -> ports.websocket();
            case "gateway" -> ports.gateway();
            default -> throw new IllegalArgumentException(service);
        };
    }

    private static WebTestClient client(int port) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(15))
                .build();
    }
}
