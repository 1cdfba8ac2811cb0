package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** One Spring context for every chat-service IT, on embedded Kafka, Redis and MongoDB, with test-signed tokens. */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=chat-service",
        "spring.grpc.server.port=0",
        "chat.chat-service.outbox.poll-interval=50ms",
        "chat.chat-service.pre-moderation.timeout=300ms",
        "chat.chat-service.pre-moderation.sweep-interval=200ms",
        "chat.chat-service.pre-moderation.recheck-after=500ms",
        "chat.service-auth.token=" + ChatServiceITSupport.SERVICE_TOKEN})
@Import({TestTokens.Config.class, ChatServiceITSupport.GrpcPort.class})
public abstract class ChatServiceITSupport {

    protected static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The services' shared gRPC credentials in these tests; {@link #grpcChannel()} presents them. */
    static final String SERVICE_TOKEN = "chat-it-service-token";
    private static final AtomicInteger USERS = new AtomicInteger();
    private static ManagedChannel channel;

    @DynamicPropertySource
    static void moderationService(DynamicPropertyRegistry registry) {
        registry.add("chat.chat-service.pre-moderation.target", () -> "127.0.0.1:" + ModerationDouble.get().port());
    }

    @LocalServerPort
    protected int port;

    @Autowired
    private GrpcPort grpcPort;

    @Autowired
    private ReactiveMongoTemplate mongoTemplate;

    protected static String newUser() {
        return "u" + USERS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected WebTestClient http() {
        return http(port);
    }

    protected static WebTestClient http(int port) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(TIMEOUT)
                .build();
    }

    protected WebTestClient as(String userId) {
        return as(port, userId);
    }

    protected static WebTestClient as(int port, String userId) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(TIMEOUT)
                .defaultHeader("Authorization", "Bearer " + TestTokens.tokenFor(userId))
                .build();
    }

    /** Creates a room owned by {@code owner}; returns its id. */
    protected String createRoom(String owner, String name, String visibility) {
        Map<?, ?> room = as(owner).post()
                .uri("/api/rooms")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name, "visibility", visibility))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) room.get("id");
    }

    protected void addMember(String owner, String roomId, String userId) {
        as(owner).post()
                .uri("/api/rooms/{id}/members", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("userId", userId))
                .exchange()
                .expectStatus().isCreated();
    }

    protected String openDm(String caller, String other) {
        Map<?, ?> dm = as(caller).post()
                .uri("/api/dm/{userId}", other)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) dm.get("id");
    }

    protected WebTestClient.ResponseSpec send(String sender, String conversationId, String clientMsgId, String text) {
        return as(sender).post()
                .uri("/api/conversations/{id}/messages", conversationId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", clientMsgId, "text", text))
                .exchange();
    }

    /** Sends and returns the stored message as the API shows it. */
    protected Map<?, ?> sent(String sender, String conversationId, String text) {
        Map<?, ?> body = send(sender, conversationId, UUID.randomUUID().toString(), text)
                .expectStatus().isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (Map<?, ?>) body.get("message");
    }

    protected Map<?, ?> history(String viewer, String conversationId, String query) {
        return as(viewer).get()
                .uri("/api/conversations/" + conversationId + "/messages" + query)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    /** How many of the conversation's messages have events the relay has not published yet. */
    protected long pendingMessages(String conversationId) {
        return mongoTemplate.count(Query.query(Criteria.where("conversationId").is(conversationId)
                .and("outboxPending").is(true)), "messages").block(TIMEOUT);
    }

    /** An event as published on Kafka or Redis. */
    protected static EventEnvelope parseEvent(byte[] bytes) {
        try {
            return EventEnvelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static List<Long> seqs(Map<?, ?> history) {
        return ((List<?>) history.get("messages")).stream()
                .map(message -> ((Number) ((Map<?, ?>) message).get("seq")).longValue())
                .toList();
    }

    protected ManagedChannel grpcChannel() {
        synchronized (ChatServiceITSupport.class) {
            if (channel == null) {
                assertThat(grpcPort.port()).as("gRPC server started").isPositive();
                channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort.port())
                        .usePlaintext()
                        .intercept(withServiceToken(SERVICE_TOKEN))
                        .build();
            }
            return channel;
        }
    }

    /** Presents {@code token} as the platform's service credentials, as the services' own clients do. */
    protected static io.grpc.ClientInterceptor withServiceToken(String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.chatplatform.support.grpc.ServiceCredentials.HEADER, token);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @AfterAll
    static void closeChannel() {
        synchronized (ChatServiceITSupport.class) {
            if (channel != null) {
                channel.shutdownNow();
                channel = null;
            }
        }
    }

    /** Records the port the gRPC server took. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class GrpcPort {
        private final AtomicInteger port = new AtomicInteger();

        @EventListener
        void started(GrpcServerStartedEvent event) {
            port.set(event.getPort());
        }

        public int port() {
            return port.get();
        }
    }
}
