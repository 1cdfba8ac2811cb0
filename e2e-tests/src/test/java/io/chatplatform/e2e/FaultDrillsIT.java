package io.chatplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.chat.outbox.OutboxRelay;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.moderation.CreateRuleRequest;
import io.chatplatform.contracts.moderation.ModerationAdminGrpc;
import io.chatplatform.contracts.moderation.Rule;
import io.chatplatform.contracts.moderation.RuleAction;
import io.chatplatform.contracts.moderation.RuleKind;
import io.chatplatform.standalone.StandalonePlatform;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Fault drills against the whole platform with a workload running: a service is taken away inside the running
 * platform (its Spring context closed, as a deployment or an operator would stop it) and started again on the same ports,
 * and every acknowledged message or requested notification is accounted for.
 */
class FaultDrillsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String ADMIN = "drilladmin_" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path dataDir;

    static StandalonePlatform platform;
    static ManagedChannel moderationChannel;
    static User admin;

    @BeforeAll
    static void start() {
        // Every context reads system properties: this account becomes an admin when it registers, and the many
        // registrations from one address here are not what the edge and registration rate limits are for.
        System.setProperty("chat.auth.admin-usernames", ADMIN);
        System.setProperty("chat.auth.rate-limits.enabled", "false");
        System.setProperty("chat.gateway.rate-limit.enabled", "false");
        platform = StandalonePlatform.start(StandalonePlatformIT.freePorts(dataDir));
        moderationChannel = ManagedChannelBuilder.forAddress("127.0.0.1", platform.ports().moderationGrpc())
                .usePlaintext().build();
        admin = register(ADMIN);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("chat.auth.admin-usernames");
        System.clearProperty("chat.auth.rate-limits.enabled");
        System.clearProperty("chat.gateway.rate-limit.enabled");
        if (moderationChannel != null) {
            moderationChannel.shutdownNow();
        }
        if (platform != null) {
            platform.close();
        }
    }

    /**
     * moderation-service goes away: messages keep flowing in post-moderated rooms and DMs, a pre-moderated room keeps
     * its messages held (the default fail-closed policy); once it is back the checks catch up from the committed
     * offsets of {@code chat.messages} (a banned word sent meanwhile is hidden), and the sweep checks the held
     * messages (the clean one is released, the banned one hidden).
     */
    @Test
    void whileModerationIsDownMessagesFlowAndHeldOnesWaitAndAfterItReturnsTheChecksCatchUp() throws Exception {
        String banned = bannedWord();
        moderation().createRule(CreateRuleRequest.newBuilder().setRule(Rule.newBuilder()
                .setName("drill " + banned).setKind(RuleKind.RULE_KIND_KEYWORD).setPattern(banned)
                .setAction(RuleAction.RULE_ACTION_HIDE).setEnabled(true)).build());
        User alice = register("alice");
        User bob = register("bob");
        String roomId = room(alice, bob, "post");
        String preRoomId = room(alice, bob, "pre");
        String dmId = (String) api(alice).post().uri("/api/dm/{id}", bob.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");

        try (RealtimeDeliveryIT.Client bobWs = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(), origin())) {
            bobWs.authenticate(bob.token());
            // Moderation works before the drill, and its consumer group has committed offsets to resume from.
            Sent before = send(alice, roomId, "before the outage " + banned);
            assertThat(bobWs.next("message").path("message").path("seq").asLong()).isEqualTo(before.seq());
            assertThat(bobWs.next("message.hidden").path("messageId").asString()).isEqualTo(before.id());

            Map<String, Set<Long>> acknowledged = new HashMap<>();
            acknowledged.computeIfAbsent(roomId, id -> new HashSet<>()).add(before.seq());
            List<String> bannedWhileDown = new ArrayList<>();
            List<String> cleanWhileDown = new ArrayList<>();
            Sent heldClean;
            Sent heldBanned;
            platform.stopService("moderation-service");
            try {
                for (String conversationId : List.of(roomId, dmId)) {
                    for (int i = 1; i <= 3; i++) {
                        Sent clean = send(alice, conversationId, "while moderation is down " + i);
                        cleanWhileDown.add(clean.id());
                        acknowledged.computeIfAbsent(conversationId, id -> new HashSet<>()).add(clean.seq());
                    }
                    Sent bad = send(alice, conversationId, "a " + banned + " while moderation is down");
                    bannedWhileDown.add(bad.id());
                    acknowledged.get(conversationId).add(bad.seq());
                }
                // Every acknowledged message reaches bob live, once, while nothing checks them.
                Map<String, List<Long>> live = new HashMap<>();
                for (int i = 0; i < 8; i++) {
                    JsonNode frame = bobWs.next("message");
                    live.computeIfAbsent(frame.path("conversationId").asString(), id -> new ArrayList<>())
                            .add(frame.path("message").path("seq").asLong());
                }
                assertThat(live.get(roomId)).as("room, each once").containsExactlyInAnyOrderElementsOf(
                        acknowledged.get(roomId).stream().filter(seq -> seq != before.seq()).toList());
                assertThat(live.get(dmId)).as("DM, each once")
                        .containsExactlyInAnyOrderElementsOf(acknowledged.get(dmId));

                // Pre-moderation without a verdict: both stay held, for their sender only (fail-closed).
                heldClean = send(alice, preRoomId, "a clean question while moderation is down");
                heldBanned = send(alice, preRoomId, "a " + banned + " question while moderation is down");
                assertThat(heldClean.state()).isEqualTo("held");
                assertThat(heldBanned.state()).isEqualTo("held");
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(moderationStates(alice, preRoomId))
                                .containsEntry(heldClean.id(), "held")
                                .containsEntry(heldBanned.id(), "held"));
                assertThat(bobWs.poll("message", Duration.ofMillis(500))).as("held messages reach nobody else")
                        .isNull();
            } finally {
                platform.startService("moderation-service");
            }

            // The checks catch up: what was sent meanwhile with the banned word is hidden, the rest stays.
            Set<String> hidden = new HashSet<>();
            while (!hidden.containsAll(bannedWhileDown)) {
                hidden.add(bobWs.next("message.hidden").path("messageId").asString());
            }
            assertThat(hidden).as("only what broke the rule").doesNotContainAnyElementsOf(cleanWhileDown);
            await().atMost(RECOVERY).untilAsserted(() -> assertThat(moderationStates(alice, roomId))
                    .containsEntry(bannedWhileDown.get(0), "hidden"));
            assertThat(moderationStates(alice, dmId)).containsEntry(bannedWhileDown.get(1), "hidden");
            Map<String, String> states = new HashMap<>(moderationStates(alice, roomId));
            states.putAll(moderationStates(alice, dmId));
            cleanWhileDown.forEach(id -> assertThat(states.get(id)).as(id).isNotNull().isNotEqualTo("hidden"));

            // The sweep gets the held messages their verdicts: the clean one is released to bob, the other hidden.
            await().atMost(RECOVERY).untilAsserted(() -> assertThat(moderationStates(alice, preRoomId))
                    .containsEntry(heldClean.id(), "approved")
                    .containsEntry(heldBanned.id(), "hidden"));
            JsonNode released = bobWs.next("message");
            assertThat(released.path("message").path("messageId").asString()).isEqualTo(heldClean.id());
            assertThat(released.path("message").path("seq").asLong()).isEqualTo(heldClean.seq());
            assertThat(bobWs.poll("message", Duration.ofSeconds(1))).as("nothing else, nothing twice").isNull();

            // History is gap-free in every conversation: nothing acknowledged went missing.
            for (String conversationId : List.of(roomId, dmId)) {
                List<Long> seqs = history(alice, conversationId).stream()
                        .filter(entry -> "message".equals(entry.get("kind")))
                        .map(entry -> ((Number) entry.get("seq")).longValue())
                        .toList();
                assertThat(seqs).as("every acknowledged message stored once").containsAll(
                        acknowledged.get(conversationId)).doesNotHaveDuplicates();
            }
        }
    }

    /**
     * notification-service restarts while account emails are being requested: every requested email reaches the SMTP
     * server exactly once (counted by the one-time token each request carries), and the consumer group ends with
     * nothing left to redeliver.
     */
    @Test
    void notificationServiceRestartsMidStreamAndEveryAccountEmailIsSentOnce() throws Exception {
        String batch = UUID.randomUUID().toString().substring(0, 8);
        List<User> users = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String username = "notify" + i + "_" + batch;
            addresses.add(username + "@example.org");
            users.add(registerWithEmail(username, username + "@example.org"));
        }
        await().atMost(RECOVERY).until(() -> verificationTokens(addresses).size() == users.size());
        // The workload: a stream of "send the verification email again", each a new event with its own token.
        int requests = 60;
        CompletableFuture<Void> requesting = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < requests; i++) {
                api(users.get(i % users.size())).post().uri("/api/auth/verify-email/resend").exchange()
                        .expectStatus().isAccepted();
            }
        });
        try {
            await().atMost(RECOVERY).until(() -> verificationTokens(addresses).size() >= users.size() + 5);
            platform.stopService("notification-service");
            // Requests go on meanwhile: their events wait on Kafka.
            platform.startService("notification-service");
            requesting.get(RECOVERY.toSeconds(), TimeUnit.SECONDS);
        } finally {
            requesting.cancel(true);
        }

        await().atMost(RECOVERY).untilAsserted(() -> assertThat(verificationTokens(addresses))
                .as("one email per request, none lost").hasSize(users.size() + requests));
        // Nothing is left for the group to redeliver, so no duplicate can still come.
        await().atMost(RECOVERY).until(FaultDrillsIT::notificationGroupCaughtUpOnAuthEvents);
        assertThat(verificationTokens(addresses)).as("each exactly once")
                .allSatisfy((token, count) -> assertThat(count).as(token).isEqualTo(1));
    }

    /**
     * chat-service stops right after acknowledging a burst of room messages, before its outbox relay could publish
     * them all, and starts again: the outbox publishes what was left, and a member ends up with every acknowledged
     * message once, live or by resume.
     */
    @Test
    void chatServiceStopsRightAfterAcknowledgingAndEveryAcknowledgedMessageArrivesOnce() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        String roomId = room(alice, bob, "post");
        try (RealtimeDeliveryIT.Client bobWs = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(), origin())) {
            bobWs.authenticate(bob.token());
            // The relay is held still, so the process goes away with every event stored and none published: the
            // moment between store and publish, for all ten messages at once.
            platform.context("chat-service").getBean(OutboxRelay.class).stop();
            Map<Long, String> acknowledged = new HashMap<>();
            for (int i = 1; i <= 10; i++) {
                Sent sent = send(alice, roomId, "burst " + i);
                acknowledged.put(sent.seq(), sent.id());
            }
            assertThat(pendingOutbox(roomId)).as("stored, not published").isEqualTo(10);
            platform.stopService("chat-service");
            platform.startService("chat-service");

            // The outbox drains after the restart.
            await().atMost(RECOVERY).until(() -> pendingOutbox(roomId) == 0);
            // What arrived live counts; resume from the highest seq seen fills the rest.
            List<Long> seen = new ArrayList<>();
            for (JsonNode live; (live = bobWs.poll("message", Duration.ofSeconds(3))) != null; ) {
                seen.add(live.path("message").path("seq").asLong());
            }
            long lastSeq = seen.stream().mapToLong(Long::longValue).max().orElse(0);
            // websocket-service's channel to chat-service may still be waiting to reconnect: ask until it answers.
            await().atMost(RECOVERY).untilAsserted(() -> {
                bobWs.send(Map.of("type", "resume", "conversations", Map.of(roomId, lastSeq)));
                JsonNode done = bobWs.poll("resume.done", Duration.ofSeconds(5));
                assertThat(done).isNotNull();
                assertThat(done.path("latestSeq").asLong()).isEqualTo(10);
            });
            while (!seen.containsAll(acknowledged.keySet())) {
                seen.add(bobWs.next("message").path("message").path("seq").asLong());
            }
            assertThat(seen).as("every acknowledged message, once")
                    .containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
            assertThat(history(bob, roomId)).extracting(entry -> ((Number) entry.get("seq")).longValue())
                    .as("gap-free").containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 10)
                            .boxed().toList());
        }
    }

    // ---- helpers ----

    /** Messages of the conversation whose events are stored but not published yet. */
    private static long pendingOutbox(String conversationId) {
        return platform.context("chat-service").getBean(ReactiveMongoTemplate.class)
                .count(Query.query(Criteria.where("conversationId").is(conversationId).and("outboxPending").is(true)),
                        "messages")
                .block(TIMEOUT);
    }

    private record User(String id, String token) {
    }

    private record Sent(String id, long seq, String state) {
    }

    /** A word of letters only, unique to this run, so no other test's messages match it. */
    private static String bannedWord() {
        StringBuilder word = new StringBuilder("zq");
        UUID.randomUUID().toString().chars().filter(c -> c != '-').limit(8)
                .forEach(c -> word.append((char) ('a' + Character.digit(c, 16))));
        return word.toString();
    }

    private static final Pattern TOKEN = Pattern.compile("verify-email\\?token=([A-Za-z0-9_-]+)");

    /**
     * Verification emails to {@code addresses} that the SMTP server received, counted per token (each request has
     * its own): a lost email is a missing token, a duplicate a count of 2.
     */
    private static Map<String, Long> verificationTokens(List<String> addresses) throws Exception {
        Map<String, Long> tokens = new HashMap<>();
        for (MimeMessage mail : platform.infrastructure().greenMail().getReceivedMessages()) {
            if (!"Confirm your email address".equals(mail.getSubject())
                    || !addresses.contains(mail.getAllRecipients()[0].toString())) {
                continue;
            }
            Matcher token = TOKEN.matcher(plainText(mail.getContent()));
            assertThat(token.find()).as("a link with a token").isTrue();
            tokens.merge(token.group(1), 1L, Long::sum);
        }
        return tokens;
    }

    /** The text/plain part, decoded. */
    private static String plainText(Object content) throws Exception {
        if (content instanceof String text) {
            return text;
        }
        StringBuilder text = new StringBuilder();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/plain") || part.isMimeType("multipart/*")) {
                    text.append(plainText(part.getContent()));
                }
            }
        }
        return text.toString();
    }

    /** The group's committed offsets on {@code auth.events} have reached the end of every partition. */
    private static boolean notificationGroupCaughtUpOnAuthEvents() throws Exception {
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.infrastructure().kafkaBootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = kafka
                    .listConsumerGroupOffsets("notification-service").partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            int partitions = kafka.describeTopics(List.of(Topics.AUTH_EVENTS)).allTopicNames()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(Topics.AUTH_EVENTS).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < partitions; partition++) {
                latest.put(new TopicPartition(Topics.AUTH_EVENTS, partition), OffsetSpec.latest());
            }
            var ends = kafka.listOffsets(latest).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                    || committed.containsKey(end.getKey())
                    && committed.get(end.getKey()).offset() >= end.getValue().offset());
        }
    }

    private static ModerationAdminGrpc.ModerationAdminBlockingStub moderation() {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + admin.token());
        return ModerationAdminGrpc.newBlockingStub(moderationChannel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A public room of {@code owner} in {@code moderationMode} that {@code member} joined; returns its id. */
    private static String room(User owner, User member, String moderationMode) {
        String roomId = (String) api(owner).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Drill " + UUID.randomUUID(), "visibility", "public",
                        "moderationMode", moderationMode))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        api(member).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        return roomId;
    }

    /** Sends over REST; the 201 is the acknowledgement (the message is stored with its event). */
    private static Sent send(User sender, String conversationId, String text) {
        Map<?, ?> body = api(sender).post().uri("/api/conversations/{id}/messages", conversationId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", text))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> message = (Map<?, ?>) body.get("message");
        return new Sent((String) message.get("messageId"), ((Number) message.get("seq")).longValue(),
                (String) message.get("moderationState"));
    }

    private static List<Map<?, ?>> history(User viewer, String conversationId) {
        Map<?, ?> body = api(viewer).get().uri("/api/conversations/{id}/messages?limit=200", conversationId)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> messages = (List<Map<?, ?>>) body.get("messages");
        return messages;
    }

    /** messageId to moderationState, as the viewer's history shows them now. */
    private static Map<String, String> moderationStates(User viewer, String conversationId) {
        Map<String, String> states = new HashMap<>();
        history(viewer, conversationId).stream()
                .filter(message -> message.get("messageId") != null && message.get("moderationState") != null)
                .forEach(message -> states.put((String) message.get("messageId"),
                        (String) message.get("moderationState")));
        return states;
    }

    private static String origin() {
        return platform.gatewayUrl().replaceAll("/$", "");
    }

    private static User register(String name) {
        String username = name.startsWith("drilladmin_") ? name
                : name + "_" + UUID.randomUUID().toString().substring(0, 8);
        return registerWithEmail(username, username + "@example.org");
    }

    private static User registerWithEmail(String username, String email) {
        String password = "a long enough password " + UUID.randomUUID();
        gateway().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "email", email, "password", password))
                .exchange().expectStatus().isCreated();
        Map<?, ?> login = gateway().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", username, "password", password))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return new User((String) login.get("userId"), (String) login.get("accessToken"));
    }

    private static WebTestClient gateway() {
        return WebTestClient.bindToServer().baseUrl(platform.gatewayUrl()).responseTimeout(TIMEOUT).build();
    }

    private static WebTestClient api(User user) {
        return WebTestClient.bindToServer().baseUrl(platform.gatewayUrl()).responseTimeout(TIMEOUT)
                .defaultHeader("Authorization", "Bearer " + user.token()).build();
    }
}
