package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.websocket.TestTokens;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server pings and the silence limit over real WebSockets, with a short ping interval: every connection is pinged,
 * one that keeps talking stays open past two intervals, and one that says nothing (a half-open connection looks the
 * same) is closed with 1001.
 */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=websocket-service",
        "chat.websocket.ping-interval=" + HeartbeatIT.INTERVAL_MS + "ms",
        "chat.websocket.allowed-origins=" + HeartbeatIT.ORIGIN})
@Import(TestTokens.Config.class)
class HeartbeatIT {

    static final String ORIGIN = "http://chat.test";
    static final int INTERVAL_MS = 300;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @org.springframework.test.context.DynamicPropertySource
    static void chatService(org.springframework.test.context.DynamicPropertyRegistry registry) {
        RefusingChatService.useAsChatService(registry);
    }

    @Test
    void aConnectionThatKeepsTalkingIsPingedAndStaysOpenWhileASilentOneIsClosedWith1001() throws Exception {
        try (RawSocketClient talking = authenticated(); RawSocketClient silent = authenticated()) {
            // The talking client answers each server ping with a frame of its own, as a browser answers with a pong;
            // each read waits for the server's next ping. Five pings: well past the two intervals of silence allowed.
            for (int ping = 1; ping <= 5; ping++) {
                RawSocketClient.Frame frame = talking.readIncludingPings();
                assertThat(frame).as("the talking connection is still open at ping %d", ping).isNotNull();
                assertThat(frame.opcode()).as("a server ping, not: " + frame.text()).isEqualTo(RawSocketClient.PING);
                talking.sendText("{\"type\":\"ping\"}");
                assertThat(talking.read().text()).contains("pong");
            }

            assertThat(silent.nextCloseCode()).isEqualTo(1001);
        }
    }

    private RawSocketClient authenticated() throws Exception {
        RawSocketClient client = RawSocketClient.open(port, ORIGIN);
        client.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.tokenFor("u-" + UUID.randomUUID()) + "\"}");
        assertThat(JSON.readTree(client.read().text()).path("type").asString()).isEqualTo("ready");
        return client;
    }
}
