package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.websocket.TestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bad input on {@code /ws} (docs/security.md): what a client may send that is not a well-formed frame, and what it
 * gets back. chat-service is a stand-in that refuses everything ({@link RefusingChatService}): every case here is
 * decided by websocket-service itself, or is chat-service's refusal passed on as an error frame.
 */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=websocket-service",
        "chat.websocket.auth-timeout=1s",
        "chat.websocket.allowed-origins=" + BadFramesIT.ORIGIN})
@Import(TestTokens.Config.class)
class BadFramesIT {

    static final String ORIGIN = "http://chat.test";
    private static final int MAX_FRAME = 65_536;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @org.springframework.test.context.DynamicPropertySource
    static void chatService(org.springframework.test.context.DynamicPropertyRegistry registry) {
        RefusingChatService.useAsChatService(registry);
    }

    @Test
    void aForeignOrMissingOriginGets403AndNoWebSocket() {
        assertThatThrownBy(() -> RawSocketClient.open(port, "https://evil.example"))
                .isInstanceOf(RawSocketClient.UpgradeRefused.class).hasMessageContaining(" 403");
        assertThatThrownBy(() -> RawSocketClient.open(port, null))
                .isInstanceOf(RawSocketClient.UpgradeRefused.class).hasMessageContaining(" 403");
    }

    @Test
    void aConnectionThatNeverAuthenticatesIsClosedWith1008AfterTheAuthTimeout() throws IOException {
        long started = System.nanoTime();
        try (RawSocketClient client = RawSocketClient.open(port, ORIGIN)) {
            assertThat(client.nextCloseCode()).isEqualTo(1008);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aFirstFrameThatIsNotAValidAuthFrameClosesWith1008() throws IOException {
        List<String> firstFrames = List.of("not json", "[1,2]", "\"auth\"", "{\"type\":42}", "{\"type\":\"auth\"}",
                "{\"type\":\"auth\",\"token\":\"not-a-token\"}", "{\"type\":\"auth\",\"token\":{\"$gt\":\"\"}}",
                "{\"type\":\"ping\"}", "{\"type\":\"send\",\"conversationId\":\"c\",\"clientMsgId\":\"k\",\"text\":\"x\"}");
        for (String first : firstFrames) {
            try (RawSocketClient client = RawSocketClient.open(port, ORIGIN)) {
                client.sendText(first);
                assertThat(client.nextCloseCode()).as(first).isEqualTo(1008);
            }
        }
        try (RawSocketClient client = RawSocketClient.open(port, ORIGIN)) {
            client.send(true, RawSocketClient.BINARY, "{\"type\":\"auth\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(client.nextCloseCode()).as("binary first frame").isEqualTo(1008);
        }
        for (var token : TestTokens.refusedTokensFor("u-" + UUID.randomUUID()).entrySet()) {
            try (RawSocketClient client = RawSocketClient.open(port, ORIGIN)) {
                client.sendText("{\"type\":\"auth\",\"token\":\"" + token.getValue() + "\"}");
                assertThat(client.nextCloseCode()).as(token.getKey()).isEqualTo(1008);
            }
        }
    }

    @Test
    void aLaterAuthFrameWithABadTokenOrAnotherUsersTokenClosesWith1008() throws IOException {
        try (RawSocketClient client = authenticated()) {
            client.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.tokenFor("u-" + UUID.randomUUID())
                    + "\"}");
            assertThat(client.nextCloseCode()).as("another user's token").isEqualTo(1008);
        }
        try (RawSocketClient client = authenticated()) {
            client.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.refusedTokensFor("x").get("expired")
                    + "\"}");
            assertThat(client.nextCloseCode()).as("an expired token").isEqualTo(1008);
        }
    }

    @Test
    void afterAuthBadFramesGetErrorFramesAndTheConnectionStaysUsable() throws IOException {
        try (RawSocketClient client = authenticated()) {
            client.send(true, RawSocketClient.BINARY, new byte[] {1, 2, 3});
            assertThat(error(client)).isEqualTo("malformed");
            for (String malformed : List.of("{", "not json", "[]", "\"ping\"", "null", "{\"type\":7}",
                    "{\"type\":null}", "{\"no-type\":\"ping\"}", "{\"type\":\"ping\"} trailing", "\u202E\u200B")) {
                client.sendText(malformed);
                assertThat(error(client)).as(malformed).isEqualTo("malformed");
            }
            client.sendText("{\"type\":\"" + "\u0635".repeat(100) + "\"}");
            JsonNode unknown = next(client);
            assertThat(unknown.path("code").asString()).isEqualTo("unknown-type");
            assertThat(unknown.path("message").asString()).as("the echoed type is cut short").hasSizeLessThan(80);
            for (String invalid : List.of("{\"type\":\"send\"}",
                    "{\"type\":\"send\",\"conversationId\":{\"$gt\":\"\"},\"clientMsgId\":\"k\",\"text\":\"x\"}",
                    "{\"type\":\"send\",\"conversationId\":\"c\",\"clientMsgId\":\"" + "k".repeat(101)
                            + "\",\"text\":\"x\"}",
                    "{\"type\":\"edit\",\"conversationId\":\"c\",\"messageId\":[\"m\"],\"text\":\"x\"}",
                    "{\"type\":\"delete\",\"conversationId\":\"c\"}",
                    "{\"type\":\"read\",\"conversationId\":\"c\",\"seq\":-1}",
                    "{\"type\":\"read\",\"conversationId\":\"c\",\"seq\":\"12\"}",
                    "{\"type\":\"delivered\",\"conversationId\":\"c\",\"seq\":1.5e400}",
                    "{\"type\":\"typing\",\"conversationId\":7}",
                    "{\"type\":\"resume\",\"conversations\":[]}",
                    "{\"type\":\"resume\",\"conversations\":{\"c\":-5}}",
                    "{\"type\":\"resume\",\"conversations\":{\"$where\":\"sleep(1000)\"}}".replace("\"sleep(1000)\"",
                            "{\"$gt\":0}"))) {
                client.sendText(invalid);
                assertThat(error(client)).as(invalid).isEqualTo("invalid");
            }
            assertPong(client);
        }
    }

    @Test
    void aFragmentedMessageIsReassembledIntoOneFrame() throws IOException {
        try (RawSocketClient client = authenticated()) {
            client.send(false, RawSocketClient.TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8));
            client.send(false, RawSocketClient.CONTINUATION, "\"pi".getBytes(StandardCharsets.UTF_8));
            client.send(true, RawSocketClient.CONTINUATION, "ng\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(next(client).path("type").asString()).isEqualTo("pong");
            // A character split between two fragments is put back together too.
            byte[] emoji = "{\"type\":\"x\u00e9\uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8);
            int split = emoji.length - 4;
            client.send(false, RawSocketClient.TEXT, Arrays.copyOfRange(emoji, 0, split));
            client.send(true, RawSocketClient.CONTINUATION, Arrays.copyOfRange(emoji, split, emoji.length));
            JsonNode unknown = next(client);
            assertThat(unknown.path("code").asString()).isEqualTo("unknown-type");
            assertThat(unknown.path("message").asString()).endsWith("x\u00e9\uD83D\uDE00");
        }
    }

    @Test
    void aMessageOverTheFrameLimitClosesWith1009Or1002InFragments() throws IOException {
        try (RawSocketClient client = authenticated()) {
            client.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(MAX_FRAME) + "\"}");
            assertThat(client.nextCloseCode()).isEqualTo(1009);
        }
        try (RawSocketClient client = authenticated()) {
            byte[] half = "x".repeat(MAX_FRAME / 2 + 100).getBytes(StandardCharsets.UTF_8);
            client.send(false, RawSocketClient.TEXT, ("{\"type\":\"ping\",\"pad\":\"").getBytes(StandardCharsets.UTF_8));
            client.send(false, RawSocketClient.CONTINUATION, half);
            client.send(false, RawSocketClient.CONTINUATION, half);
            client.send(true, RawSocketClient.CONTINUATION, "\"}".getBytes(StandardCharsets.UTF_8));
            // Each fragment is within the limit, the message is not: the server's WebSocket stack (Netty's frame
            // aggregator) refuses it as a protocol error before the handler sees any of it.
            assertThat(client.nextCloseCode()).as("fragments adding up to more than the limit").isEqualTo(1002);
        }
        try (RawSocketClient client = RawSocketClient.open(port, ORIGIN)) {
            client.sendText("{\"type\":\"auth\",\"token\":\"" + "x".repeat(MAX_FRAME) + "\"}");
            assertThat(client.nextCloseCode()).as("before auth too").isEqualTo(1009);
        }
    }

    @Test
    void aFloodOfFramesIsAnsweredOneByOneInOrder() throws IOException {
        int flood = 1_000;
        try (RawSocketClient client = authenticated()) {
            for (int i = 0; i < flood; i++) {
                client.sendText("{\"type\":\"flood-" + i + "\"}");
            }
            client.sendText("{\"type\":\"ping\"}");
            for (int i = 0; i < flood; i++) {
                JsonNode error = next(client);
                assertThat(error.path("code").asString()).isEqualTo("unknown-type");
                assertThat(error.path("message").asString()).endsWith("flood-" + i);
            }
            assertThat(next(client).path("type").asString()).isEqualTo("pong");
        }
    }

    @Test
    void chatServicesRefusalsAreErrorFramesNamingTheConversationAndTheConnectionStaysUsable() throws IOException {
        try (RawSocketClient client = authenticated()) {
            Map<String, String> refusals = new java.util.LinkedHashMap<>();
            refusals.put("{\"type\":\"resume\",\"conversations\":{\"c-forbidden\":0}}", "forbidden");
            refusals.put("{\"type\":\"resume\",\"conversations\":{\"c-missing\":3}}", "not-found");
            refusals.put("{\"type\":\"edit\",\"conversationId\":\"c-forbidden\",\"messageId\":\"m\","
                    + "\"text\":\"mine now\"}", "forbidden");
            refusals.put("{\"type\":\"delete\",\"conversationId\":\"c-forbidden\",\"messageId\":\"m\"}",
                    "forbidden");
            refusals.put("{\"type\":\"read\",\"conversationId\":\"c-forbidden\",\"seq\":5}", "forbidden");
            refusals.put("{\"type\":\"typing\",\"conversationId\":\"c-forbidden\"}", "forbidden");
            refusals.put("{\"type\":\"delivered\",\"conversationId\":\"c-forbidden\",\"seq\":5}", "forbidden");
            for (var refusal : refusals.entrySet()) {
                client.sendText(refusal.getKey());
                JsonNode error = next(client);
                assertThat(error.path("type").asString()).as(refusal.getKey()).isEqualTo("error");
                assertThat(error.path("code").asString()).as(refusal.getKey()).isEqualTo(refusal.getValue());
                assertThat(error.path("conversationId").asString()).as(refusal.getKey()).startsWith("c-");
                assertThat(error.path("message").asString()).isNotBlank();
            }
            Map<String, String> sends = Map.of("c-forbidden", "forbidden", "c-missing", "not-found",
                    "c-limited", "rate-limited", "c-conflict", "conflict");
            for (var send : sends.entrySet()) {
                client.sendText("{\"type\":\"send\",\"conversationId\":\"" + send.getKey()
                        + "\",\"clientMsgId\":\"k-" + send.getKey() + "\",\"text\":\"hello\"}");
                JsonNode error = next(client);
                assertThat(error.path("code").asString()).as(send.getKey()).isEqualTo(send.getValue());
                assertThat(error.path("clientMsgId").asString()).isEqualTo("k-" + send.getKey());
            }
            assertPong(client);
        }
    }

    private RawSocketClient authenticated() throws IOException {
        RawSocketClient client = RawSocketClient.open(port, ORIGIN);
        String user = "u-" + UUID.randomUUID();
        client.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.tokenFor(user) + "\"}");
        JsonNode ready = next(client);
        assertThat(ready.path("type").asString()).isEqualTo("ready");
        assertThat(ready.path("userId").asString()).isEqualTo(user);
        return client;
    }

    private static void assertPong(RawSocketClient client) throws IOException {
        client.sendText("{\"type\":\"ping\"}");
        assertThat(next(client).path("type").asString()).isEqualTo("pong");
    }

    private static String error(RawSocketClient client) throws IOException {
        JsonNode frame = next(client);
        assertThat(frame.path("type").asString()).as(frame.toString()).isEqualTo("error");
        assertThat(frame.path("message").asString()).isNotBlank();
        return frame.path("code").asString();
    }

    /** The next text frame; fails on a close or the end of the connection. */
    private static JsonNode next(RawSocketClient client) throws IOException {
        RawSocketClient.Frame frame = client.read();
        assertThat(frame).as("a frame, not the end of the connection").isNotNull();
        assertThat(frame.opcode()).as("a text frame, not close %s", frame.closeCode())
                .isEqualTo(RawSocketClient.TEXT);
        return JSON.readTree(frame.text());
    }
}
