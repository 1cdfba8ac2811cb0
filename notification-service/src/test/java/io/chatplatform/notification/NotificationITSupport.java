package io.chatplatform.notification;

import static org.awaitility.Awaitility.await;

import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.notification.directory.RecipientDirectory;
import io.chatplatform.notification.push.PushEndpoint;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One Spring context for every notification-service IT, on embedded Kafka, Redis, MongoDB and GreenMail, with a
 * chat-service double on a real gRPC socket, a push service on a real HTTP socket, test-signed tokens and a clock
 * the tests move forward.
 */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=notification-service",
        "chat.notification.poll-interval=100ms",
        "chat.notification.push.offline-delay=0s",
        "chat.notification.push.read-grace=60s",
        "chat.notification.push.attempts=3",
        "chat.notification.push.first-backoff=100ms",
        "chat.notification.email.attempts=2",
        "chat.notification.email.first-backoff=100ms",
        "chat.notification.dev-outbox.enabled=true"})
@Import({TestTokens.Config.class, NotificationITSupport.Clocks.class})
public abstract class NotificationITSupport {

    protected static final Duration TIMEOUT = Duration.ofSeconds(30);
    protected static final PushEndpoint PUSH_SERVICE = new PushEndpoint();
    private static final AtomicInteger USERS = new AtomicInteger();

    @DynamicPropertySource
    static void chatService(DynamicPropertyRegistry registry) {
        registry.add("chat.notification.chat-target", () -> "127.0.0.1:" + ChatDouble.get().port());
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected KafkaPublisher kafka;
    @Autowired
    protected TestClock clock;
    @Autowired
    protected MeterRegistry meters;
    @Autowired
    private RecipientDirectory directory;
    @Autowired
    private ReactiveStringRedisTemplate redis;

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        TestClock testClock() {
            return new TestClock();
        }
    }

    protected static String newId(String prefix) {
        return prefix + USERS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static ChatDouble chat() {
        return ChatDouble.get();
    }

    protected WebTestClient http() {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(TIMEOUT)
                .build();
    }

    protected WebTestClient as(String userId) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(TIMEOUT)
                .defaultHeader("Authorization", "Bearer " + TestTokens.tokenFor(userId))
                .build();
    }

    /** A user auth-service announced, known to this service once the call returns. */
    protected String user(String displayName) {
        String userId = newId("u");
        Events.auth(kafka, Events.registered(userId, displayName, userId + "@example.org"));
        await().atMost(TIMEOUT).until(() -> directory.find(userId).blockOptional().isPresent());
        return userId;
    }

    /** A browser of the user with push on: a new device of the local push service, registered over the API. */
    protected PushEndpoint.Device subscribe(String userId) {
        PushEndpoint.Device device = PUSH_SERVICE.newDevice();
        as(userId).post()
                .uri("/api/notifications/subscriptions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("endpoint", device.endpoint(),
                        "keys", Map.of("p256dh", device.p256dh(), "auth", device.auth()), "device", "test"))
                .exchange()
                .expectStatus().isCreated();
        return device;
    }

    /** Marks the user online as websocket-service does (one instance's claim in {@code presence:{userId}}). */
    protected void online(String userId) {
        redis.opsForHash().put("presence:" + userId, "instance-1",
                Long.toString(clock.millis() + Duration.ofHours(1).toMillis())).block(TIMEOUT);
    }

    protected void publishChat(EventEnvelope envelope) {
        Events.chat(kafka, envelope);
    }

    protected double counted(String channel, String outcome) {
        Counter counter = meters.find("chat.notifications").tag("channel", channel).tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** The preferences body with these switches, everything else at its default. */
    protected static Map<String, Object> preferences(boolean push, boolean email, boolean roomMessages,
                                                     Map<String, String> quietHours) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("push", push);
        body.put("email", email);
        body.put("emailDelayMinutes", 10);
        body.put("timeZone", "UTC");
        body.put("quietHours", quietHours);
        body.put("roomMessages", roomMessages);
        return body;
    }

    protected void putPreferences(String userId, Map<String, Object> body) {
        as(userId).put()
                .uri("/api/notifications/preferences")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk();
    }

}
