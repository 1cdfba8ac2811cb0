package io.chatplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.UserBlocked;
import io.chatplatform.standalone.StandaloneProperties;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.redis.RedisMessage;
import io.chatplatform.support.redis.RedisPubSub;
import io.chatplatform.standalone.StandalonePlatform;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Boots the standalone wiring (embedded infrastructure, every service, the gateway) exactly as the README's
 * run command does, on free ports, and checks what an operator and the other services rely on.
 */
public class StandalonePlatformIT {

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

    public static StandaloneProperties freePorts(Path dir) {
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
            assertThat(listServicesByReflection(channel)).contains("grpc.health.v1.Health",
                    "grpc.reflection.v1.ServerReflection");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void gatewayServesTheWebClient() {
        client(platform.ports().gateway()).get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().exists("Content-Security-Policy")
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
    void aRegistrationsVerificationEmailReachesSmtpAndIsListedOnTheOutboxPage() {
        String username = "e2e" + UUID.randomUUID().toString().substring(0, 8);
        String email = username + "@example.org";
        client(platform.ports().gateway()).post().uri("/api/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("username", username, "email", email,
                        "password", "correct horse battery staple", "displayName", "E2E"))
                .exchange()
                .expectStatus().isCreated();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> java.util.Arrays
                .stream(platform.infrastructure().greenMail().getReceivedMessages())
                .anyMatch(mail -> {
                    try {
                        return mail.getAllRecipients()[0].toString().equals(email)
                                && mail.getSubject().equals("Confirm your email address");
                    } catch (jakarta.mail.MessagingException e) {
                        return false;
                    }
                }));
        client(platform.ports().gateway()).get().uri("/api/notifications/dev/outbox").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> assertThat(html)
                        .contains(email)
                        .contains("Confirm your email address")
                        .contains(platform.gatewayUrl() + "/verify-email?token="));
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
        // Each service owns its database.
        StepVerifier.create(mongo.getMongoDatabase().map(db -> db.getName()))
                .expectNext("chat")
                .verifyComplete();
    }

    @Test
    void kafkaTopicCarriesAnEnvelopeFromOneServiceToAnother() throws Exception {
        KafkaPublisher publisher = platform.context("moderation-service").getBean(KafkaPublisher.class);
        KafkaSubscriber subscriber = platform.context("chat-service").getBean(KafkaSubscriber.class);
        String topic = "e2e.probe." + UUID.randomUUID();
        EventEnvelope sent = EventEnvelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setType("user.blocked")
                .setProducer("moderation-service")
                .setUserBlocked(UserBlocked.newBuilder().setUserId("u-42").build())
                .build();

        Mono<InboundRecord> firstReceived = subscriber
                .consume(ConsumerSpec.of("e2e-" + UUID.randomUUID(), topic), record -> Mono.empty())
                .next();
        StepVerifier.create(publisher.send(OutboundRecord.of(topic, "u-42", sent.toByteArray()))
                        .then(firstReceived))
                .assertNext(record -> {
                    assertThat(record.key()).isEqualTo("u-42");
                    assertThat(parse(record.value())).isEqualTo(sent);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(60));
    }

    @Test
    void redisChannelCarriesBytesFromOneServiceToAnother() {
        RedisPubSub publisher = platform.context("chat-service").getBean(RedisPubSub.class);
        RedisPubSub subscriber = platform.context("websocket-service").getBean(RedisPubSub.class);
        String channel = Topics.userChannel("e2e-" + UUID.randomUUID());

        Flux<RedisMessage> received = subscriber.subscribeConfirmed(channel)
                .flatMapMany(messages -> publisher.publish(channel, "hello".getBytes())
                        .thenMany(messages));

        StepVerifier.create(received.take(1))
                .assertNext(message -> {
                    assertThat(message.channel()).isEqualTo(channel);
                    assertThat(new String(message.payload())).isEqualTo("hello");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }

    /** What {@code grpcurl list} does: one reflection request, the service names in the answer. */
    private static List<String> listServicesByReflection(ManagedChannel channel) {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        names.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName)
                                .toList());
                    }

                    @Override
                    public void onError(Throwable error) {
                        names.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        names.complete(List.of());
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return names.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static EventEnvelope parse(byte[] bytes) {
        try {
            return EventEnvelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not an EventEnvelope", e);
        }
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
