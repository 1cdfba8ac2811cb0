package io.chatplatform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * One Spring context for every auth-service IT (same configuration, so Spring's test context cache shares it), on
 * embedded Kafka, Redis and MongoDB, with a movable clock and the gRPC server on a free port.
 */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=auth-service",
        "spring.grpc.server.port=0",
        "chat.auth.trust-forwarded-for=true",
        "chat.auth.admin-usernames=root-admin",
        "chat.auth.service-secret=" + AuthServiceITSupport.SERVICE_SECRET,
        "chat.auth.rate-limits.register-per-ip=10",
        "chat.auth.rate-limits.login-per-account=10"})
@Import(AuthServiceITSupport.TestBeans.class)
public abstract class AuthServiceITSupport {

    public static final String SERVICE_SECRET = "test-service-secret-0123456789";
    public static final String PASSWORD = "correct horse battery staple";
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger();
    private static ManagedChannel channel;

    @LocalServerPort
    protected int port;

    @Autowired
    protected MovableClock clock;

    @Autowired
    protected GrpcPort grpcPort;

    @Autowired
    protected KafkaSubscriber kafka;

    /** A client whose requests come from a random address (the test trusts X-Forwarded-For), so limits don't mix. */
    protected WebTestClient http() {
        return http(randomIp());
    }

    protected WebTestClient http(String ip) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(TIMEOUT)
                .defaultHeader("X-Forwarded-For", ip)
                .build();
    }

    protected static String randomIp() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
    }

    protected static String uniqueName(String prefix) {
        return prefix + "-" + USERS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Registers {@code username} with {@link #PASSWORD}; returns the user id. */
    protected String register(String username) {
        Map<?, ?> body = http().post()
                .uri("/api/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "email", username + "@example.org", "password", PASSWORD,
                        "displayName", "Display " + username))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) body.get("id");
    }

    /** A token of the configured admin {@code root-admin}, registering it on first use. */
    protected String adminToken() {
        http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "root-admin", "email", "root@example.org", "password", PASSWORD))
                .exchange();
        return accessToken("root-admin");
    }

    protected Map<?, ?> login(String login, String password) {
        return http().post()
                .uri("/api/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", login, "password", password))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    protected String accessToken(String username) {
        return (String) login(username, PASSWORD).get("accessToken");
    }

    protected WebTestClient.ResponseSpec getMe(String token) {
        return http().get()
                .uri("/api/users/me")
                .header("Authorization", "Bearer " + token)
                .exchange();
    }

    /** The first {@code auth.events} envelope for the user that matches, read with a fresh consumer group. */
    protected EventEnvelope awaitEvent(String userId, Predicate<EventEnvelope> matching) {
        return kafka.consume(ConsumerSpec.of("it-" + UUID.randomUUID(), Topics.AUTH_EVENTS), record -> Mono.empty())
                .filter(record -> userId.equals(record.key()))
                .map(record -> parse(record.value()))
                .filter(matching)
                .next()
                .block(TIMEOUT);
    }

    private static EventEnvelope parse(byte[] bytes) {
        try {
            return EventEnvelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    protected ManagedChannel grpcChannel() {
        synchronized (AuthServiceITSupport.class) {
            if (channel == null) {
                assertThat(grpcPort.port()).as("gRPC server started").isPositive();
                channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort.port())
                        .usePlaintext()
                        .build();
            }
            return channel;
        }
    }

    @AfterAll
    static void closeChannel() {
        // The context (and its gRPC server) outlives a class; channels are cheap to rebuild.
        synchronized (AuthServiceITSupport.class) {
            if (channel != null) {
                channel.shutdownNow();
                channel = null;
            }
        }
    }

    @TestConfiguration
    static class TestBeans {

        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }

        @Bean
        GrpcPort grpcPort() {
            return new GrpcPort();
        }
    }

    /** Records the port the gRPC server took. */
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

    /** The system clock plus an offset tests can move forward. */
    public static final class MovableClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        public void advance(Duration duration) {
            offset.updateAndGet(current -> current.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }
}
