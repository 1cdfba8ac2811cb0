package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.support.redis.RedisPubSub;
import io.chatplatform.websocket.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Users who connect at nearly the same moment are each announced online on the Redis {@code presence} channel (real
 * Redis, real WebSockets): the arrivals of this instance are handled one at a time, and none may be lost while an
 * earlier one is still being handled.
 */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=websocket-service",
        "chat.websocket.allowed-origins=" + PresenceArrivalsIT.ORIGIN})
@Import(TestTokens.Config.class)
class PresenceArrivalsIT {

    static final String ORIGIN = "http://chat.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int USERS = 30;

    @LocalServerPort
    private int port;

    @Autowired
    private RedisPubSub redis;

    @org.springframework.test.context.DynamicPropertySource
    static void chatService(org.springframework.test.context.DynamicPropertyRegistry registry) {
        RefusingChatService.useAsChatService(registry);
    }

    @Test
    void usersWhoConnectTogetherAreEachAnnouncedOnline() throws Exception {
        Set<String> announcedOnline = ConcurrentHashMap.newKeySet();
        Disposable listening = redis.subscribeConfirmed("presence").block(TIMEOUT)
                .map(message -> JSON.readTree(new String(message.payload(), StandardCharsets.UTF_8)))
                .filter(change -> change.path("online").asBoolean())
                .subscribe(change -> announcedOnline.add(change.path("userId").asString()));
        List<String> users = new ArrayList<>();
        List<RawSocketClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < USERS; i++) {
                clients.add(RawSocketClient.open(port, ORIGIN));
            }
            // Every auth frame goes out before any answer is read, so the arrivals come back to back.
            for (RawSocketClient client : clients) {
                String user = "u-" + UUID.randomUUID();
                users.add(user);
                client.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.tokenFor(user) + "\"}");
            }
            for (RawSocketClient client : clients) {
                JsonNode ready = JSON.readTree(client.read().text());
                assertThat(ready.path("type").asString()).isEqualTo("ready");
            }

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(announcedOnline).containsAll(users));
        } finally {
            listening.dispose();
            for (RawSocketClient client : clients) {
                client.close();
            }
        }
    }
}
