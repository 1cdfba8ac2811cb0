package io.chatplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.UserBlocked;
import io.chatplatform.standalone.StandalonePlatform;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.websocket.WebSocketServiceApplication;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real-time delivery through the whole platform as a browser uses it: users registered and logged in over REST via
 * the gateway, WebSocket clients on {@code /ws} (through the gateway and directly), sends acknowledged after the
 * store, DMs over Redis and room messages over Kafka to the other user's connection, and resume after missed messages.
 */
class RealtimeDeliveryIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dataDir;

    static StandalonePlatform platform;

    @BeforeAll
    static void start() {
        platform = StandalonePlatform.start(StandalonePlatformIT.freePorts(dataDir));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void dmsAndRoomMessagesReachTheOtherUsersConnectionAndResumeFillsTheGap() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        String dmId = (String) api(alice).post().uri("/api/dm/{id}", bob.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String roomId = (String) api(alice).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Lobby " + UUID.randomUUID(), "visibility", "public"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        api(bob).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();

        try (Client aliceWs = Client.connect(platform.gatewayUrl(), origin());
             Client bobWs = Client.connect("http://127.0.0.1:" + platform.ports().websocket(), origin())) {
            assertThat(aliceWs.authenticate(alice.token()).path("userId").asString()).isEqualTo(alice.id());
            assertThat(bobWs.authenticate(bob.token()).path("type").asString()).isEqualTo("ready");

            aliceWs.send(Map.of("type", "send", "conversationId", dmId, "clientMsgId", "dm-1", "text", "hi bob"));
            JsonNode ack = aliceWs.next("ack");
            assertThat(ack.path("seq").asLong()).isEqualTo(1);
            JsonNode dm = bobWs.next("message");
            assertThat(dm.path("conversationId").asString()).isEqualTo(dmId);
            assertThat(dm.path("message").path("text").asString()).isEqualTo("hi bob");
            assertThat(dm.path("message").path("senderId").asString()).isEqualTo(alice.id());

            aliceWs.send(Map.of("type", "send", "conversationId", roomId, "clientMsgId", "room-1", "text", "hi room"));
            aliceWs.next("ack");
            JsonNode roomMessage = bobWs.next("message");
            assertThat(roomMessage.path("conversationId").asString()).isEqualTo(roomId);
            assertThat(roomMessage.path("message").path("text").asString()).isEqualTo("hi room");

            // Edits, deletes and read markers over the socket reach the other member as events.
            String roomMessageId = roomMessage.path("message").path("messageId").asString();
            aliceWs.send(Map.of("type", "edit", "conversationId", roomId, "messageId", roomMessageId,
                    "text", "hi room!"));
            assertThat(aliceWs.next("ack").path("of").asString()).isEqualTo("edit");
            JsonNode edited = bobWs.next("message.edited");
            assertThat(edited.path("text").asString()).isEqualTo("hi room!");
            assertThat(edited.path("seq").asLong()).isEqualTo(1);
            assertThat(edited.path("changeSeq").asLong()).isEqualTo(2);
            bobWs.send(Map.of("type", "read", "conversationId", roomId, "seq", 2));
            assertThat(bobWs.next("ack").path("lastReadSeq").asLong()).isEqualTo(2);
            JsonNode receipt = aliceWs.next("receipt");
            assertThat(receipt.path("userId").asString()).isEqualTo(bob.id());
            assertThat(receipt.path("upToSeq").asLong()).isEqualTo(2);
            bobWs.send(Map.of("type", "delete", "conversationId", roomId, "messageId", roomMessageId));
            assertThat(bobWs.next("error").path("code").asString()).as("not bob's message").isEqualTo("forbidden");
            aliceWs.send(Map.of("type", "delete", "conversationId", roomId, "messageId", roomMessageId));
            assertThat(aliceWs.next("ack").path("of").asString()).isEqualTo("delete");
            assertThat(bobWs.next("message.deleted").path("messageId").asString()).isEqualTo(roomMessageId);

            // Presence: alice, who shares conversations with bob, sees him come online; a stranger is not reported.
            JsonNode bobOnline = aliceWs.next("presence");
            assertThat(bobOnline.path("userId").asString()).isEqualTo(bob.id());
            assertThat(bobOnline.path("online").asBoolean()).isTrue();
            User stranger = register("stranger");
            List<?> presence = (List<?>) api(alice).get()
                    .uri("/api/presence?users={a},{b}", bob.id(), stranger.id())
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                    .get("users");
            assertThat(presence).isEqualTo(List.of(Map.of("userId", bob.id(), "online", true)));
            gateway().get().uri("/api/presence?users={a}", bob.id()).exchange().expectStatus().isUnauthorized();

            // Typing and delivered receipts are ephemeral: the other member sees them, the sender does not.
            aliceWs.send(Map.of("type", "typing", "conversationId", roomId));
            JsonNode typing = bobWs.next("typing");
            assertThat(typing.path("userId").asString()).isEqualTo(alice.id());
            assertThat(typing.path("expiresInMs").asLong()).isPositive();
            bobWs.send(Map.of("type", "delivered", "conversationId", dmId, "seq", 1));
            JsonNode delivered = aliceWs.next("receipt");
            assertThat(delivered.path("kind").asString()).isEqualTo("delivered");
            assertThat(delivered.path("userId").asString()).isEqualTo(bob.id());
            aliceWs.send(Map.of("type", "typing", "conversationId", "not-mine-" + UUID.randomUUID()));
            assertThat(aliceWs.next("error").path("code").asString()).isIn("forbidden", "not-found");

            // A repeat of the same clientMsgId is acknowledged with the first seq and delivered to nobody again.
            aliceWs.send(Map.of("type", "send", "conversationId", dmId, "clientMsgId", "dm-1", "text", "hi bob"));
            JsonNode repeat = aliceWs.next("ack");
            assertThat(repeat.path("duplicate").asBoolean()).isTrue();
            assertThat(repeat.path("seq").asLong()).isEqualTo(1);

            aliceWs.send(Map.of("type", "ping"));
            aliceWs.next("pong");
            aliceWs.send(Map.of("type", "what-is-this"));
            assertThat(aliceWs.next("error").path("code").asString()).isEqualTo("unknown-type");
            aliceWs.sendRaw("{not json");
            assertThat(aliceWs.next("error").path("code").asString()).isEqualTo("malformed");
            aliceWs.send(Map.of("type", "send", "conversationId", "no-such-room", "clientMsgId", "x-1", "text", "?"));
            JsonNode refused = aliceWs.next("error");
            assertThat(refused.path("code").asString()).isEqualTo("not-found");
            assertThat(refused.path("clientMsgId").asString()).isEqualTo("x-1");
        }

        // Bob is offline while alice sends two more DMs; on reconnect he resumes from seq 1 and gets exactly those.
        for (int i = 2; i <= 3; i++) {
            api(alice).post().uri("/api/conversations/{id}/messages", dmId).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("clientMsgId", "rest-" + i, "text", "missed " + i))
                    .exchange().expectStatus().isCreated();
        }
        try (Client bobWs = Client.connect(platform.gatewayUrl(), origin())) {
            bobWs.authenticate(bob.token());
            bobWs.send(Map.of("type", "resume", "conversations", Map.of(dmId, 1)));
            JsonNode done = bobWs.next("resume.done");
            assertThat(done.path("latestSeq").asLong()).isEqualTo(3);
            // Live delivery of the last DM may beat the resume; either way each missed message comes once.
            assertThat(List.of(bobWs.next("message"), bobWs.next("message")))
                    .extracting(frame -> frame.path("message").path("text").asString())
                    .containsExactlyInAnyOrder("missed 2", "missed 3");
            assertThat(bobWs.unclaimed()).as("nothing twice").isEmpty();
        }
    }

    @Test
    void theHandshakeAndTheFirstFrameAreChecked() throws Exception {
        String direct = "http://127.0.0.1:" + platform.ports().websocket();
        assertThat(Client.handshakeStatus(direct, "https://evil.example")).isEqualTo(403);
        assertThat(Client.handshakeStatus(direct, null)).isEqualTo(403);
        try (Client client = Client.connect(direct, origin())) {
            client.send(Map.of("type", "auth", "token", "not-a-token"));
            assertThat(client.closeStatus()).isEqualTo(1008);
        }
        try (Client client = Client.connect(direct, origin())) {
            client.send(Map.of("type", "ping"));
            assertThat(client.closeStatus()).as("the first frame must be auth").isEqualTo(1008);
        }
    }

    @Test
    void loggingOutClosesThatSessionsConnectionsAndOversizedFramesClose1009() throws Exception {
        User carol = register("carol");
        try (Client carolWs = Client.connect(platform.gatewayUrl(), origin())) {
            carolWs.authenticate(carol.token());
            api(carol).post().uri("/api/auth/logout").exchange().expectStatus().isNoContent();
            assertThat(carolWs.closeStatus()).as("session revoked on auth.events").isEqualTo(1008);
        }
        User dave = register("dave");
        try (Client daveWs = Client.connect("http://127.0.0.1:" + platform.ports().websocket(), origin())) {
            daveWs.authenticate(dave.token());
            daveWs.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(daveWs.closeStatus()).isEqualTo(1009);
        }
    }

    @Test
    void usersOnTwoInstancesTalkAndABlockClosesEveryConnectionEverywhere() throws Exception {
        try (ConfigurableApplicationContext second = secondWebSocketInstance()) {
            String secondUrl = "http://127.0.0.1:" + ((ReactiveWebServerApplicationContext) second).getWebServer()
                    .getPort();
            User erin = register("erin");
            User frank = register("frank");
            String dmId = (String) api(erin).post().uri("/api/dm/{id}", frank.id()).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
            String roomId = (String) api(erin).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("name", "Two instances " + UUID.randomUUID(), "visibility", "public"))
                    .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                    .get("id");
            api(frank).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();

            try (Client erinWs = Client.connect("http://127.0.0.1:" + platform.ports().websocket(), origin());
                 Client frankWs = Client.connect(secondUrl, origin());
                 Client frankFirst = Client.connect("http://127.0.0.1:" + platform.ports().websocket(), origin())) {
                erinWs.authenticate(erin.token());
                frankWs.authenticate(frank.token());
                frankFirst.authenticate(frank.token());

                // The new instance reads room events from the newest offset once Kafka assigns it partitions:
                // probe until one arrives there, as a client would resume to cover its first moments.
                java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
                org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> {
                    erinWs.send(Map.of("type", "send", "conversationId", roomId,
                            "clientMsgId", "probe-" + probes.incrementAndGet(), "text", "probe"));
                    return frankWs.poll("message", Duration.ofSeconds(2)) != null;
                });

                erinWs.send(Map.of("type", "send", "conversationId", dmId, "clientMsgId", "x-dm", "text", "across"));
                erinWs.send(Map.of("type", "send", "conversationId", roomId, "clientMsgId", "x-room", "text",
                        "across the room"));
                for (Client frankDevice : List.of(frankWs, frankFirst)) {
                    assertThat(frankDevice.textsUntil(java.util.Set.of("across", "across the room")))
                            .as("each of frank's devices, on either instance, gets each message once")
                            .containsExactlyInAnyOrder("across", "across the room");
                }

                // moderation-service announces blocks on moderation.events; every instance closes frank's sockets.
                EventEnvelope blocked = EventEnvelope.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setType("user.blocked")
                        .setProducer("moderation-service")
                        .setPartitionKey(frank.id())
                        .setUserBlocked(UserBlocked.newBuilder().setUserId(frank.id()).setReason("spam"))
                        .build();
                platform.context("chat-service").getBean(KafkaPublisher.class)
                        .send(OutboundRecord.of(Topics.MODERATION_EVENTS, frank.id(), blocked.toByteArray()))
                        .block(TIMEOUT);
                assertThat(frankWs.closeStatus()).isEqualTo(1008);
                assertThat(frankFirst.closeStatus()).isEqualTo(1008);
                erinWs.send(Map.of("type", "ping"));
                assertThat(erinWs.next("pong")).as("erin stays connected").isNotNull();
            }
        }
    }

    /** Another websocket-service on the platform's infrastructure and services, as a second replica would run. */
    private static ConfigurableApplicationContext secondWebSocketInstance() {
        Map<String, String> properties = new java.util.LinkedHashMap<>(platform.infrastructure().springProperties());
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        // One classpath holds every service here: name the database the others' auto-configuration asks for.
        properties.put("spring.mongodb.database", "websocket");
        properties.put("chat.jwt.jwks-uri", "http://127.0.0.1:" + platform.ports().auth() + "/.well-known/jwks.json");
        properties.put("chat.websocket.chat-target", "127.0.0.1:" + platform.ports().chatGrpc());
        properties.put("chat.websocket.allowed-origins", origin());
        properties.put("spring.cloud.gateway.server.webflux.enabled", "false");
        properties.put("spring.cloud.gateway.server.webflux.redis.enabled", "false");
        properties.put("spring.main.log-startup-info", "false");
        return WebSocketServiceApplication.application()
                .registerShutdownHook(false)
                // Its own Netty resources: closing it must not stop the global ones the platform's servers run on.
                .initializers(context -> ((org.springframework.context.support.GenericApplicationContext) context)
                        .registerBean(org.springframework.http.client.ReactorResourceFactory.class, () -> {
                            var resources = new org.springframework.http.client.ReactorResourceFactory();
                            resources.setUseGlobalResources(false);
                            return resources;
                        }))
                .run(properties.entrySet().stream()
                        .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                        .toArray(String[]::new));
    }

    private static String origin() {
        return platform.gatewayUrl().replaceAll("/$", "");
    }

    private record User(String id, String token) {
    }

    private static User register(String name) {
        Accounts.Account account = Accounts.register(platform.gatewayUrl(), name);
        return new User(account.id(), account.token());
    }

    private static WebTestClient gateway() {
        return WebTestClient.bindToServer().baseUrl(platform.gatewayUrl()).responseTimeout(TIMEOUT).build();
    }

    private static WebTestClient api(User user) {
        return WebTestClient.bindToServer().baseUrl(platform.gatewayUrl()).responseTimeout(TIMEOUT)
                .defaultHeader("Authorization", "Bearer " + user.token()).build();
    }

    /** A WebSocket client over a real socket: frames received go to a queue, frames to send come from a sink. */
    static final class Client implements AutoCloseable {

        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final List<JsonNode> others = new java.util.ArrayList<>();
        private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
        private final Sinks.One<Integer> closed = Sinks.one();
        private final Disposable connection;

        private Client(String baseUrl, String origin) {
            URI uri = URI.create(baseUrl.replaceFirst("^http", "ws").replaceAll("/$", "") + "/ws");
            connection = HttpClient.create()
                    .headers(headers -> {
                        if (origin != null) {
                            headers.set("Origin", origin);
                        }
                    })
                    .websocket()
                    .uri(uri)
                    .handle(this::session)
                    .subscribe();
        }

        static Client connect(String baseUrl, String origin) {
            return new Client(baseUrl, origin);
        }

        /** The HTTP status of a plain upgrade request from {@code origin} (null = no Origin header). */
        static int handshakeStatus(String baseUrl, String origin) {
            return HttpClient.create()
                    .headers(headers -> {
                        headers.set("Connection", "Upgrade").set("Upgrade", "websocket")
                                .set("Sec-WebSocket-Version", "13").set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
                        if (origin != null) {
                            headers.set("Origin", origin);
                        }
                    })
                    .get()
                    .uri(baseUrl + "/ws")
                    .response()
                    .map(response -> response.status().code())
                    .block(TIMEOUT);
        }

        private Mono<Void> session(WebsocketInbound in, WebsocketOutbound out) {
            in.receiveCloseStatus()
                    .subscribe(status -> closed.tryEmitValue(status.code()));
            Mono<Void> reading = in.receive().asString()
                    .doOnNext(text -> received.add(JSON.readTree(text)))
                    .then();
            return Mono.when(reading, out.sendString(outgoing.asFlux()).then());
        }

        void send(Map<String, ?> frame) {
            sendRaw(JSON.writeValueAsString(frame));
        }

        void sendRaw(String text) {
            outgoing.tryEmitNext(text);
        }

        JsonNode authenticate(String token) throws InterruptedException {
            send(Map.of("type", "auth", "token", token));
            return next("ready");
        }

        /**
         * The next frame of {@code type} not taken yet. Frames of other types stay for their own {@code next} (a
         * sender also receives its own messages, on every device, in whatever order relative to its ack).
         */
        JsonNode next(String type) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                synchronized (others) {
                    for (var iterator = others.iterator(); iterator.hasNext(); ) {
                        JsonNode frame = iterator.next();
                        if (frame.path("type").asString().equals(type)) {
                            iterator.remove();
                            return frame;
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                JsonNode frame = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
                assertThat(frame).as("a %s frame within %s; unclaimed: %s", type, TIMEOUT, others).isNotNull();
                if (frame.path("type").asString().equals(type)) {
                    return frame;
                }
                synchronized (others) {
                    others.add(frame);
                }
            }
        }

        /** The next frame of {@code type} within {@code wait}, or null. */
        JsonNode poll(String type, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode frame = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
                if (frame == null || frame.path("type").asString().equals(type)) {
                    return frame;
                }
                synchronized (others) {
                    others.add(frame);
                }
            }
        }

        /**
         * Texts of the {@code message} frames that arrive until all of {@code expected} were seen, leaving out the
         * readiness probes; a duplicate shows up as a repeated text.
         */
        List<String> textsUntil(java.util.Set<String> expected) throws InterruptedException {
            List<String> texts = new java.util.ArrayList<>();
            while (!texts.containsAll(expected)) {
                String text = next("message").path("message").path("text").asString();
                if (!text.equals("probe")) {
                    texts.add(text);
                }
            }
            return texts;
        }

        /** Frames received but not taken by {@link #next}. */
        List<JsonNode> unclaimed() {
            synchronized (others) {
                return List.copyOf(others);
            }
        }

        int closeStatus() {
            return closed.asMono().block(TIMEOUT);
        }

        @Override
        public void close() {
            outgoing.tryEmitComplete();
            connection.dispose();
        }
    }
}
