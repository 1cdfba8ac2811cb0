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

    /**
     * Redis restarts under a live DM stream: the live path stalls (the relay's publishes fail, websocket-service's
     * subscriptions drop and come back), every message is still stored, and the client converges through resume,
     * seeing each message once; live delivery and presence come back by themselves.
     */
    @Test
    void afterARedisRestartLiveDmsResumeAndResumeFillsTheGapOnce() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        String dmId = (String) api(alice).post().uri("/api/dm/{id}", bob.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        try (Client bobWs = Client.connect(platform.gatewayUrl(), origin())) {
            bobWs.authenticate(bob.token());
            sendMessage(alice, dmId, "before");
            assertThat(bobWs.next("message").path("message").path("text").asString()).isEqualTo("before");

            platform.infrastructure().stopRedis();
            platform.infrastructure().startRedis();

            // Sends work again once chat-service's Redis connection is back (its rate limiter lives there); each
            // retry of a send carries the same clientMsgId, so nothing is stored twice.
            java.util.Set<String> missed = new java.util.LinkedHashSet<>();
            for (int i = 1; i <= 3; i++) {
                String text = "during " + i;
                org.awaitility.Awaitility.await().atMost(TIMEOUT).ignoreExceptions()
                        .untilAsserted(() -> sendMessage(alice, dmId, text));
                missed.add(text);
            }
            // Whatever arrived live in the meantime counts; the rest comes from resume, after the last seq the client
            // has without a gap (as docs/websocket-protocol.md tells clients to do).
            List<String> seen = new java.util.ArrayList<>();
            java.util.SortedSet<Long> seqs = new java.util.TreeSet<>(List.of(1L));
            for (JsonNode live; (live = bobWs.poll("message", Duration.ofSeconds(2))) != null; ) {
                seen.add(live.path("message").path("text").asString());
                seqs.add(live.path("message").path("seq").asLong());
            }
            bobWs.send(Map.of("type", "resume", "conversations", Map.of(dmId, lastWithoutGap(seqs))));
            assertThat(bobWs.next("resume.done").path("latestSeq").asLong()).isEqualTo(4);
            while (!seen.containsAll(missed)) {
                seen.add(bobWs.next("message").path("message").path("text").asString());
            }
            assertThat(seen).as("each missed message once").containsExactlyInAnyOrderElementsOf(missed);

            // Live delivery is back: websocket-service subscribed again after Redis returned.
            org.awaitility.Awaitility.await().atMost(TIMEOUT).untilAsserted(() -> {
                String probe = "after " + UUID.randomUUID();
                sendMessage(alice, dmId, probe);
                JsonNode live = bobWs.poll("message", Duration.ofSeconds(2));
                assertThat(live).isNotNull();
            });
            // Presence comes back with the next renewal of bob's connection.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(45)).untilAsserted(() ->
                    assertThat(api(alice).get().uri("/api/presence?users={id}", bob.id()).exchange()
                            .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                            .get("users")).isEqualTo(List.of(Map.of("userId", bob.id(), "online", true))));
        }
    }

    /**
     * A client that stops reading: once the socket's buffers and its bounded queue are full, the server closes it
     * with 1013 (reconnect and resume) instead of buffering without bound, and another user's connection on the same
     * instance keeps getting its events meanwhile.
     */
    @Test
    void aReaderThatStopsReadingIsClosedWith1013AndOthersKeepTheirEvents() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        User carol = register("carol");
        String bobDm = (String) api(alice).post().uri("/api/dm/{id}", bob.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String carolDm = (String) api(alice).post().uri("/api/dm/{id}", carol.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        int websocketPort = platform.ports().websocket();
        try (RawWebSocket slow = RawWebSocket.open("127.0.0.1", websocketPort, origin());
             Client carolWs = Client.connect("http://127.0.0.1:" + websocketPort, origin())) {
            slow.sendText(JSON.writeValueAsString(Map.of("type", "auth", "token", bob.token())));
            assertThat(slow.read().text()).contains("\"ready\"");
            carolWs.authenticate(carol.token());

            // Bob's DM events, straight onto his Redis channel as chat-service's relay would publish them; bob reads
            // none of them. 4,000-character texts fill the socket buffers within a few megabytes.
            io.chatplatform.support.redis.RedisPubSub redis = platform.context("websocket-service")
                    .getBean(io.chatplatform.support.redis.RedisPubSub.class);
            String text = "x".repeat(4_000);
            List<byte[]> flood = java.util.stream.LongStream.rangeClosed(1, 3_000)
                    .mapToObj(seq -> dmCreated(bobDm, seq, alice.id(), text))
                    .toList();
            reactor.core.publisher.Flux.fromIterable(flood)
                    .concatMap(envelope -> redis.publish(Topics.userChannel(bob.id()), envelope))
                    .blockLast(TIMEOUT);

            sendMessage(alice, carolDm, "carol still gets hers");
            assertThat(carolWs.next("message").path("message").path("text").asString())
                    .isEqualTo("carol still gets hers");

            // Reading now: what was buffered, then the close frame.
            int closeCode = -1;
            int delivered = 0;
            for (RawWebSocket.Frame frame; (frame = slow.read()) != null; ) {
                if (frame.opcode() == 0x8) {
                    closeCode = frame.closeCode();
                    break;
                }
                delivered++;
            }
            assertThat(closeCode).isEqualTo(1013);
            assertThat(delivered).as("the server stopped queueing well before 3,000 frames").isLessThan(3_000);
        }
    }

    private static byte[] dmCreated(String dmId, long seq, String senderId, String text) {
        io.chatplatform.contracts.chat.ChatMessage message = io.chatplatform.contracts.chat.ChatMessage.newBuilder()
                .setMessageId(String.format("%024x", seq))
                .setConversation(io.chatplatform.contracts.common.ConversationRef.newBuilder().setId(dmId)
                        .setKind(io.chatplatform.contracts.common.ConversationKind.CONVERSATION_KIND_DM))
                .setSeq(seq)
                .setSenderUserId(senderId)
                .setClientMsgId("flood-" + seq)
                .setText(text)
                .build();
        return EventEnvelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setType("message.created")
                .setProducer("chat-service")
                .setPartitionKey(dmId)
                .setMessageCreated(io.chatplatform.contracts.events.MessageCreated.newBuilder().setMessage(message))
                .build()
                .toByteArray();
    }

    private static void sendMessage(User from, String conversationId, String text) {
        api(from).post().uri("/api/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", "dm-" + text, "text", text))
                .exchange().expectStatus().is2xxSuccessful();
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
    /**
     * Kafka stops mid-stream: sends are still acknowledged (stored with their events), the outbox holds the events
     * until the broker is back and then drains, and a room member ends up with every acknowledged message exactly
     * once, live or by resume.
     */
    @Test
    void kafkaStopsAndRestartsMidStreamAndNoAcknowledgedMessageIsLostOrShownTwice() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        String roomId = (String) api(alice).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Outage " + UUID.randomUUID(), "visibility", "public"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        api(bob).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        try (Client bobWs = Client.connect(platform.gatewayUrl(), origin())) {
            bobWs.authenticate(bob.token());
            java.util.Set<String> acknowledged = new java.util.LinkedHashSet<>();
            platform.infrastructure().stopKafka();
            try {
                for (int i = 1; i <= 5; i++) {
                    String text = "during the outage " + i;
                    sendMessage(alice, roomId, text);
                    acknowledged.add(text);
                }
            } finally {
                platform.infrastructure().startKafka();
            }
            // The outbox drains once the broker is back.
            org.springframework.data.mongodb.core.ReactiveMongoTemplate chatMongo = platform.context("chat-service")
                    .getBean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> chatMongo.count(
                    org.springframework.data.mongodb.core.query.Query.query(
                            org.springframework.data.mongodb.core.query.Criteria.where("conversationId").is(roomId)
                                    .and("outboxPending").is(true)), "messages").block(TIMEOUT) == 0);
            // What arrived live counts; resume after the last seq the client has without a gap fills the rest.
            List<String> seen = new java.util.ArrayList<>();
            java.util.SortedSet<Long> seqs = new java.util.TreeSet<>();
            for (JsonNode live; (live = bobWs.poll("message", Duration.ofSeconds(3))) != null; ) {
                seen.add(live.path("message").path("text").asString());
                seqs.add(live.path("message").path("seq").asLong());
            }
            bobWs.send(Map.of("type", "resume", "conversations", Map.of(roomId, lastWithoutGap(seqs))));
            assertThat(bobWs.next("resume.done").path("latestSeq").asLong()).isEqualTo(5);
            while (!seen.containsAll(acknowledged)) {
                seen.add(bobWs.next("message").path("message").path("text").asString());
            }
            assertThat(seen).as("every acknowledged message, once").containsExactlyInAnyOrderElementsOf(acknowledged);
            List<?> history = (List<?>) api(bob).get().uri("/api/conversations/{id}/messages", roomId).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("messages");
            assertThat(history).extracting(entry -> ((Number) ((Map<?, ?>) entry).get("seq")).longValue())
                    .as("gap-free").containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    /**
     * A websocket-service instance goes away under its clients: they reconnect to the other instance and resume from
     * the last seq they saw, and get what was sent meanwhile, once each.
     */
    @Test
    void whenAnInstanceGoesAwayItsClientsResumeOnTheOtherWithoutLoss() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        String dmId = (String) api(alice).post().uri("/api/dm/{id}", bob.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        long lastSeen;
        try (ConfigurableApplicationContext second = secondWebSocketInstance()) {
            String secondUrl = "http://127.0.0.1:" + ((ReactiveWebServerApplicationContext) second).getWebServer()
                    .getPort();
            Client bobWs = Client.connect(secondUrl, origin());
            bobWs.authenticate(bob.token());
            sendMessage(alice, dmId, "first");
            lastSeen = bobWs.next("message").path("message").path("seq").asLong();
            second.close();
            assertThat(bobWs.closeStatus()).as("told to reconnect elsewhere").isIn(1001, 1006, 1012);
            bobWs.close();
        }
        for (int i = 1; i <= 3; i++) {
            sendMessage(alice, dmId, "while reconnecting " + i);
        }
        try (Client bobWs = Client.connect(platform.gatewayUrl(), origin())) {
            bobWs.authenticate(bob.token());
            bobWs.send(Map.of("type", "resume", "conversations", Map.of(dmId, lastSeen)));
            assertThat(bobWs.next("resume.done").path("latestSeq").asLong()).isEqualTo(lastSeen + 3);
            assertThat(bobWs.textsUntil(java.util.Set.of("while reconnecting 1", "while reconnecting 2",
                    "while reconnecting 3"))).as("each once").hasSize(3);
            assertThat(bobWs.unclaimed()).as("nothing twice").noneMatch(frame -> frame.path("type").asString()
                    .equals("message"));
        }
    }

    private static ConfigurableApplicationContext secondWebSocketInstance() {
        Map<String, String> properties = new java.util.LinkedHashMap<>(platform.infrastructure().springProperties());
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        // One classpath holds every service here: name the database the others' auto-configuration asks for.
        properties.put("spring.mongodb.database", "websocket");
        properties.put("chat.jwt.jwks-uri", "http://127.0.0.1:" + platform.ports().auth() + "/.well-known/jwks.json");
        properties.put("chat.websocket.chat-target", "127.0.0.1:" + platform.ports().chatGrpc());
        properties.put("chat.service-auth.token", platform.serviceToken());
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

    /** The highest seq a client holds with every seq before it, which is where it resumes from. */
    private static long lastWithoutGap(java.util.SortedSet<Long> seqs) {
        long last = 0;
        while (seqs.contains(last + 1)) {
            last++;
        }
        return last;
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
