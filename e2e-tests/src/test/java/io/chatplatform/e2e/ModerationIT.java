package io.chatplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.chatplatform.cli.ModerationCli;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.EntryKind;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.MessageCreated;
import io.chatplatform.contracts.moderation.AuditAction;
import io.chatplatform.contracts.moderation.AuditLogRequest;
import io.chatplatform.contracts.moderation.BlockUserRequest;
import io.chatplatform.contracts.moderation.CreateRuleRequest;
import io.chatplatform.contracts.moderation.DeleteRuleRequest;
import io.chatplatform.contracts.moderation.FlagStatus;
import io.chatplatform.contracts.moderation.ListFlagsRequest;
import io.chatplatform.contracts.moderation.ListRulesRequest;
import io.chatplatform.contracts.moderation.ModerationAdminGrpc;
import io.chatplatform.contracts.moderation.ReviewFlagRequest;
import io.chatplatform.contracts.moderation.Rule;
import io.chatplatform.contracts.moderation.RuleAction;
import io.chatplatform.contracts.moderation.RuleKind;
import io.chatplatform.contracts.moderation.TestRulesRequest;
import io.chatplatform.contracts.moderation.UnblockUserRequest;
import io.chatplatform.contracts.moderation.UpdateRuleRequest;
import io.chatplatform.contracts.moderation.WatchFlagsRequest;
import io.chatplatform.standalone.StandalonePlatform;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.OutboundRecord;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Moderation through the whole platform: rules set over the real ModerationAdmin gRPC API, messages sent over REST
 * and seen over the WebSocket, the check on Kafka {@code chat.messages}, hiding through chat-service, blocks through
 * auth-service that reach chat-service and websocket-service, and the {@code chatmod} CLI against the running
 * moderation-service.
 */
class ModerationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String ADMIN = "modadmin_" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path dataDir;

    static StandalonePlatform platform;
    static ManagedChannel channel;
    static User admin;

    @BeforeAll
    static void start() {
        // Every context reads system properties: this account becomes an admin when it registers, and the many
        // logins from one address here are not what the edge and login rate limits are for.
        System.setProperty("chat.auth.admin-usernames", ADMIN);
        System.setProperty("chat.auth.rate-limits.enabled", "false");
        System.setProperty("chat.gateway.rate-limit.enabled", "false");
        platform = StandalonePlatform.start(StandalonePlatformIT.freePorts(dataDir));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", platform.ports().moderationGrpc()).usePlaintext()
                .build();
        admin = register(ADMIN);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("chat.auth.admin-usernames");
        System.clearProperty("chat.auth.rate-limits.enabled");
        System.clearProperty("chat.gateway.rate-limit.enabled");
        if (channel != null) {
            channel.shutdownNow();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aBannedWordInDisguiseIsHiddenInHistoryAndRetractedFromConnectedClients() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        String roomId = room(alice, bob);
        Rule rule = createRule(Rule.newBuilder().setName("banned " + roomId).setKind(RuleKind.RULE_KIND_KEYWORD)
                .setPattern("badword, buy followers").setAction(RuleAction.RULE_ACTION_HIDE).setEnabled(true)
                .setConversationId(roomId).build());
        assertThat(rule.getVersion()).isEqualTo(1);

        String disguised;
        String lookalike;
        try (RealtimeDeliveryIT.Client bobWs = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(), origin())) {
            bobWs.authenticate(bob.token());
            String clean = send(alice, roomId, "hello everyone");
            disguised = send(alice, roomId, "you are a B.4.D.W\u200B0RD!!");
            lookalike = send(alice, roomId, "Buy f\u043Ell\u043Ewers here");
            Set<String> retracted = new java.util.HashSet<>();
            while (retracted.size() < 2) {
                retracted.add(bobWs.next("message.hidden").path("messageId").asString());
            }
            assertThat(retracted).containsExactlyInAnyOrder(disguised, lookalike);

            Map<String, String> states = moderationStates(alice, roomId);
            assertThat(states).containsEntry(disguised, "hidden").containsEntry(lookalike, "hidden");
            // The check let the clean one through: it ends approved.
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(moderationStates(bob, roomId))
                    .containsEntry(clean, "approved"));
        }
        assertThat(admin().listFlags(ListFlagsRequest.newBuilder().setConversationId(roomId).build())
                .getFlagsList())
                .extracting(flag -> flag.getMessageId() + ":" + flag.getStatus())
                .containsExactlyInAnyOrder(disguised + ":" + FlagStatus.FLAG_STATUS_HIDDEN,
                        lookalike + ":" + FlagStatus.FLAG_STATUS_HIDDEN);
    }

    @Test
    void aHeldMessageReachesConnectedMembersWhenAModeratorApprovesItAndAWarnedSenderIsToldOnEveryConnection()
            throws Exception {
        User ivy = register("ivy");
        User jack = register("jack");
        String roomId = (String) api(ivy).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Pre " + UUID.randomUUID(), "visibility", "public", "moderationMode", "pre"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        api(jack).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        createRule(Rule.newBuilder().setName("review " + roomId).setKind(RuleKind.RULE_KIND_KEYWORD)
                .setPattern("reviewme").setAction(RuleAction.RULE_ACTION_FLAG).setEnabled(true)
                .setConversationId(roomId).build());
        String warnRule = "no nastiness " + roomId;
        createRule(Rule.newBuilder().setName(warnRule).setKind(RuleKind.RULE_KIND_KEYWORD).setPattern("nasty")
                .setAction(RuleAction.RULE_ACTION_HIDE_AND_WARN).setEnabled(true).setConversationId(roomId).build());

        try (RealtimeDeliveryIT.Client ivyWs = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(), origin());
             RealtimeDeliveryIT.Client jackPhone = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(), origin());
             RealtimeDeliveryIT.Client jackLaptop = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(),
                     origin())) {
            ivyWs.authenticate(ivy.token());
            jackPhone.authenticate(jack.token());
            jackLaptop.authenticate(jack.token());

            Map<?, ?> held = sendMessage(jack, roomId, "reviewme, is this fine?");
            String heldId = (String) held.get("messageId");
            assertThat(held.get("moderationState")).isEqualTo("held");
            var flag = await().atMost(TIMEOUT).until(() -> admin().listFlags(ListFlagsRequest.newBuilder()
                            .setConversationId(roomId).build()).getFlagsList(),
                    flags -> flags.stream().anyMatch(candidate -> candidate.getMessageId().equals(heldId)))
                    .get(0);
            assertThat(message(ivy, roomId, heldId).get("text")).as("held from the other members").isEqualTo("");

            admin().reviewFlag(ReviewFlagRequest.newBuilder().setFlagId(flag.getFlagId())
                    .setDecision(io.chatplatform.contracts.moderation.ReviewDecision.REVIEW_DECISION_APPROVE)
                    .setNote("fine").build());
            var released = ivyWs.next("message").path("message");
            assertThat(released.path("messageId").asString()).isEqualTo(heldId);
            assertThat(released.path("seq").asLong()).isEqualTo(((Number) held.get("seq")).longValue());
            assertThat(released.path("text").asString()).isEqualTo("reviewme, is this fine?");
            assertThat(released.path("moderationState").asString()).isEqualTo("approved");
            assertThat(message(ivy, roomId, heldId).get("moderationState")).isEqualTo("approved");

            String nasty = (String) sendMessage(jack, roomId, "what a nasty idea").get("messageId");
            for (RealtimeDeliveryIT.Client device : List.of(jackPhone, jackLaptop)) {
                var warned = device.next("warned");
                assertThat(warned.path("messageId").asString()).isEqualTo(nasty);
                assertThat(warned.path("conversationId").asString()).isEqualTo(roomId);
                assertThat(warned.path("rule").asString()).isEqualTo(warnRule);
                assertThat(warned.path("reason").asString()).isNotEmpty();
            }
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(moderationStates(jack, roomId))
                    .containsEntry(nasty, "hidden"));
            assertThat(ivyWs.poll("warned", Duration.ofMillis(500))).as("only the sender is warned").isNull();
        }
    }

    @Test
    void floodingEarnsStrikesThenABlockThatStopsLoginRefreshSendAndTheSocketAndUnblockRestoresThem()
            throws Exception {
        User carol = register("carol");
        User dave = register("dave");
        String roomId = room(dave, carol);
        createRule(Rule.newBuilder().setName("flood " + roomId).setKind(RuleKind.RULE_KIND_FLOOD)
                .setPattern("3/1m").setAction(RuleAction.RULE_ACTION_STRIKE).setStrikeLimit(2).setEnabled(true)
                .setConversationId(roomId).build());

        try (RealtimeDeliveryIT.Client carolWs = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(), origin())) {
            carolWs.authenticate(carol.token());
            for (int i = 1; i <= 3; i++) {
                send(carol, roomId, "message " + i);
            }
            send(carol, roomId, "message 4 (first strike)");
            await().atMost(TIMEOUT).until(() -> flagsOf(carol).size() == 1);
            send(carol, roomId, "message 5 (second strike)");

            assertThat(carolWs.closeStatus()).as("disconnected by the block").isEqualTo(1008);
        }
        gateway().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", carol.username(), "password", carol.password()))
                .exchange().expectStatus().isForbidden();
        gateway().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", carol.refreshToken()))
                .exchange().expectStatus().value(status -> assertThat(status).isBetween(400, 499));
        await().atMost(TIMEOUT).untilAsserted(() -> api(carol).post()
                .uri("/api/conversations/{id}/messages", roomId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", "still here?"))
                // Refused either way: 403 once chat-service knows the account is blocked, 401 once it has read that
                // the block revoked the token's session, whichever event it reads first.
                .exchange().expectStatus().value(status -> assertThat(status).isIn(401, 403)));
        assertThat(admin().auditLog(AuditLogRequest.newBuilder().setTargetUserId(carol.id()).build())
                .getEntriesList())
                .extracting(entry -> entry.getAction())
                .contains(AuditAction.AUDIT_ACTION_USER_BLOCKED, AuditAction.AUDIT_ACTION_AUTOMATIC_VERDICT);

        // The moderator lifts the block with the CLI.
        Cli unblock = cli(admin.token(), "--json", "unblock", carol.id(), "--reason", "appeal accepted");
        assertThat(unblock.exit()).as(unblock.err()).isZero();
        assertThat(unblock.out()).contains("\"was_blocked\":true");

        User again = login(carol.username(), carol.password());
        await().atMost(TIMEOUT).untilAsserted(() -> api(again).post()
                .uri("/api/conversations/{id}/messages", roomId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", "back"))
                .exchange().expectStatus().isCreated());
        try (RealtimeDeliveryIT.Client carolWs = RealtimeDeliveryIT.Client.connect(platform.gatewayUrl(), origin())) {
            assertThat(carolWs.authenticate(again.token()).path("userId").asString()).isEqualTo(carol.id());
        }
    }

    @Test
    void aRedeliveredMessageDoesNotCountTwice() throws Exception {
        User erin = register("erin");
        User frank = register("frank");
        String roomId = room(erin, frank);
        createRule(Rule.newBuilder().setName("one per hour " + roomId).setKind(RuleKind.RULE_KIND_FLOOD)
                .setPattern("1/1h").setAction(RuleAction.RULE_ACTION_STRIKE).setStrikeLimit(2).setEnabled(true)
                .setConversationId(roomId).build());
        send(erin, roomId, "first");
        String second = send(erin, roomId, "second, a strike");
        await().atMost(TIMEOUT).until(() -> flagsOf(erin).size() == 1);

        // The same chat.messages record again, twice: once as is, once after its verdict record was lost (a crash
        // between acting and recording).
        Map<?, ?> stored = message(erin, roomId, second);
        EventEnvelope redelivered = EventEnvelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setType("message.created")
                .setProducer("chat-service")
                .setPartitionKey(roomId)
                .setMessageCreated(MessageCreated.newBuilder().setMessage(ChatMessage.newBuilder()
                        .setMessageId(second)
                        .setConversation(ConversationRef.newBuilder().setId(roomId)
                                .setKind(ConversationKind.CONVERSATION_KIND_ROOM))
                        .setSeq(((Number) stored.get("seq")).longValue())
                        .setSenderUserId(erin.id())
                        .setText("second, a strike")
                        .setCreatedAt(timestamp(Instant.parse((String) stored.get("createdAt"))))
                        .setModerationState(ModerationState.MODERATION_STATE_PENDING)
                        .setKind(EntryKind.ENTRY_KIND_MESSAGE)))
                .build();
        ReactiveMongoTemplate moderationDb = platform.context("moderation-service").getBean(ReactiveMongoTemplate.class);
        publish(roomId, redelivered);
        moderationDb.remove(new org.springframework.data.mongodb.core.query.Query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id").is(second)), "verdicts")
                .block(TIMEOUT);
        publish(roomId, redelivered);
        await().atMost(TIMEOUT).until(() -> Boolean.TRUE.equals(moderationDb.exists(
                new org.springframework.data.mongodb.core.query.Query(
                        org.springframework.data.mongodb.core.query.Criteria.where("_id").is(second)),
                "verdicts").block(TIMEOUT)));

        Document strikes = moderationDb.findById(erin.id(), Document.class, "strikes").block(TIMEOUT);
        assertThat(strikes.getList("strikes", Document.class)).as("one strike for one message").hasSize(1);
        assertThat(flagsOf(erin)).hasSize(1);
        Long counted = platform.context("moderation-service").getBean(ReactiveStringRedisTemplate.class)
                .keys("moderation:rate:*" + erin.id())
                .flatMap(key -> platform.context("moderation-service").getBean(ReactiveStringRedisTemplate.class)
                        .opsForZSet().size(key))
                .reduce(0L, Long::sum)
                .block(TIMEOUT);
        assertThat(counted).as("each message counted once by the flood rule").isEqualTo(2);
        login(erin.username(), erin.password());

        // The next real message is the second strike, which blocks: the redeliveries had not counted.
        send(erin, roomId, "third, the second strike");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> gateway().post()
                .uri("/api/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", erin.username(), "password", erin.password()))
                .exchange().expectStatus().isForbidden());
    }

    @Test
    void aPlainUsersTokenGetsPermissionDeniedOnEveryAdminCallAndNoTokenUnauthenticated() {
        User mallory = register("mallory");
        List<Consumer<ModerationAdminGrpc.ModerationAdminBlockingStub>> calls = List.of(
                stub -> stub.blockUser(BlockUserRequest.newBuilder().setUserId(admin.id()).setReason("x").build()),
                stub -> stub.unblockUser(UnblockUserRequest.newBuilder().setUserId(mallory.id()).build()),
                stub -> stub.listFlags(ListFlagsRequest.getDefaultInstance()),
                stub -> stub.reviewFlag(ReviewFlagRequest.newBuilder().setFlagId("f").build()),
                stub -> stub.createRule(CreateRuleRequest.newBuilder().setRule(Rule.newBuilder().setName("x")).build()),
                stub -> stub.updateRule(UpdateRuleRequest.newBuilder().setRule(Rule.newBuilder().setRuleId("r"))
                        .build()),
                stub -> stub.deleteRule(DeleteRuleRequest.newBuilder().setRuleId("r").build()),
                stub -> stub.listRules(ListRulesRequest.getDefaultInstance()),
                stub -> stub.auditLog(AuditLogRequest.getDefaultInstance()),
                stub -> stub.watchFlags(WatchFlagsRequest.getDefaultInstance()).hasNext(),
                stub -> stub.testRules(TestRulesRequest.newBuilder().setText("hi").build()));
        for (var call : calls) {
            assertThatThrownBy(() -> call.accept(stub(mallory.token())))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, error -> assertThat(
                            error.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> call.accept(ModerationAdminGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, error -> assertThat(
                            error.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        api(mallory).post().uri("/api/moderation/blocks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("userId", admin.id(), "reason", "coup")).exchange().expectStatus().isForbidden();
        api(mallory).post().uri("/api/moderation/messages/hide").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("conversationId", "c", "messageId", "m", "reason", "x"))
                .exchange().expectStatus().isForbidden();
        assertThat(admin().auditLog(AuditLogRequest.newBuilder().setTargetUserId(admin.id()).build())
                .getEntriesList()).as("nothing was done").isEmpty();
    }

    @Test
    void membersReportMessagesAndModeratorsReviewThemOverRestAndTheCli() throws Exception {
        User gina = register("gina");
        User hank = register("hank");
        User stranger = register("stranger");
        String roomId = room(gina, hank);
        String messageId = send(hank, roomId, "a perfectly ordinary message");

        // A live watcher sees a report's flag; reports go on (each of a new message) until one arrives while it
        // listens, since there is no telling when its stream is up.
        CompletableFuture<Cli> watching = CompletableFuture.supplyAsync(() -> cli(admin.token(), "--json", "watch",
                "--status", "open", "--count", "1"));
        List<String> reported = new ArrayList<>();
        reported.add(report(gina, roomId, messageId));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!watching.isDone()) {
                reported.add(report(gina, roomId, send(hank, roomId, "ordinary " + reported.size())));
            }
            return watching.isDone();
        });
        Cli watched = watching.get();
        assertThat(watched.exit()).as(watched.err()).isZero();
        assertThat(watched.out()).contains("FLAG_STATUS_OPEN");
        assertThat(reported).anyMatch(flagId -> watched.out().contains(flagId));
        assertThat(report(gina, roomId, messageId)).as("reporting again is the same flag").isEqualTo(reported.get(0));
        Map<String, String> report = Map.of("flagId", reported.get(0));
        api(stranger).post().uri("/api/reports").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("conversationId", roomId, "messageId", messageId, "reason", "x"))
                .exchange().expectStatus().isForbidden();

        Cli list = cli(admin.token(), "flags", "list", "--status", "open", "--conversation", roomId);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("FLAG", "STATUS", (String) report.get("flagId"), "report");
        Cli review = cli(admin.token(), "--json", "flags", "review", (String) report.get("flagId"), "--decision",
                "hide", "--note", "rude indeed");
        assertThat(review.exit()).as(review.err()).isZero();
        assertThat(review.out()).contains("\"status\":\"FLAG_STATUS_HIDDEN\"", "\"review_note\":\"rude indeed\"");
        assertThat(moderationStates(gina, roomId)).containsEntry(messageId, "hidden");
        Cli again = cli(admin.token(), "flags", "review", (String) report.get("flagId"), "--decision", "dismiss");
        assertThat(again.exit()).isEqualTo(ModerationCli.SERVER_ERROR);
        assertThat(again.err()).contains("FAILED_PRECONDITION", "already reviewed");

        // Moderators' REST: hide, block, unblock.
        String other = send(hank, roomId, "another one");
        api(admin).post().uri("/api/moderation/messages/hide").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("conversationId", roomId, "messageId", other, "reason", "off topic"))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.hidden").isEqualTo(true);
        api(admin).post().uri("/api/moderation/blocks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("userId", hank.id(), "reason", "cool down", "durationSeconds", 2))
                .exchange().expectStatus().isOk();
        gateway().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", hank.username(), "password", hank.password()))
                .exchange().expectStatus().isForbidden();
        // A timed block ends by itself.
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> gateway().post()
                .uri("/api/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", hank.username(), "password", hank.password()))
                .exchange().expectStatus().isOk());
        api(admin).post().uri("/api/moderation/blocks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("userId", hank.id(), "reason", ""))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        api(admin).delete().uri("/api/moderation/blocks/{id}", hank.id()).exchange().expectStatus().isNoContent();
        assertThat(admin().auditLog(AuditLogRequest.newBuilder().setTargetUserId(hank.id()).build())
                .getEntriesList())
                .extracting(entry -> entry.getAction() + " by " + entry.getActor().getKind())
                .contains("AUDIT_ACTION_USER_BLOCKED by ACTOR_KIND_MODERATOR",
                        "AUDIT_ACTION_USER_UNBLOCKED by ACTOR_KIND_SYSTEM",
                        "AUDIT_ACTION_USER_UNBLOCKED by ACTOR_KIND_MODERATOR");
        assertThat(admin().auditLog(AuditLogRequest.newBuilder().setActorUserId(admin.id()).build())
                .getEntriesList())
                .extracting(entry -> entry.getAction() + " " + entry.getTargetId() + " " + entry.getReason())
                .contains("AUDIT_ACTION_FLAG_REVIEWED " + report.get("flagId") + " rude indeed");
    }

    @Test
    void theCliManagesRulesWithTablesOrJsonAndExitCodesThatTellErrorsApart() throws Exception {
        String name = "cli regex " + UUID.randomUUID();
        Cli bad = cli(admin.token(), "rules", "add", "--name", name, "--kind", "regex", "--pattern", "(unclosed",
                "--action", "hide");
        assertThat(bad.exit()).isEqualTo(ModerationCli.USAGE);
        assertThat(bad.err()).contains("INVALID_ARGUMENT", "not a valid regular expression");

        Cli added = cli(admin.token(), "--json", "rules", "add", "--name", name, "--kind", "regex", "--pattern",
                "free\\s+money", "--action", "flag");
        assertThat(added.exit()).as(added.err()).isZero();
        String ruleId = added.out().replaceAll("(?s).*\"rule_id\":\"([^\"]+)\".*", "$1").strip();
        assertThat(added.out()).contains("\"kind\":\"RULE_KIND_REGEX\"", "\"action\":\"RULE_ACTION_FLAG\"");

        Cli table = cli(admin.token(), "rules", "list");
        assertThat(table.exit()).isZero();
        assertThat(table.out()).contains("RULE", "NAME", "KIND", ruleId, "regex", "flag");
        Cli tested = cli(admin.token(), "--json", "rules", "test", "FR33   M0NEY for you");
        assertThat(tested.exit()).isZero();
        assertThat(tested.out()).contains("\"verdict\":\"VERDICT_HOLD\"", ruleId);
        Cli clean = cli(admin.token(), "rules", "test", "nothing to see");
        assertThat(clean.out()).contains("verdict:    ALLOW");
        Cli audit = cli(admin.token(), "--json", "audit", "--actor", admin.id());
        assertThat(audit.out()).contains("AUDIT_ACTION_RULE_CREATED", ruleId);
        Cli removed = cli(admin.token(), "rules", "remove", ruleId);
        assertThat(removed.exit()).isZero();
        Cli missing = cli(admin.token(), "rules", "remove", ruleId);
        assertThat(missing.exit()).isEqualTo(ModerationCli.SERVER_ERROR);
        assertThat(missing.err()).contains("NOT_FOUND");

        User plain = register("plain");
        Cli denied = cli(plain.token(), "rules", "list");
        assertThat(denied.exit()).isEqualTo(ModerationCli.AUTHENTICATION);
        assertThat(denied.err()).contains("PERMISSION_DENIED");
        assertThat(cli(null, "rules", "list").exit()).as("not logged in").isEqualTo(ModerationCli.AUTHENTICATION);
        assertThat(cli(admin.token(), "rules", "list", "--no-such-option").exit()).isEqualTo(ModerationCli.USAGE);
        assertThat(cli(admin.token(), "block").exit()).as("missing user").isEqualTo(ModerationCli.USAGE);
        Cli help = cli(null, "flags", "review", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--decision", "--note");
        Cli unreachable = cliAt("127.0.0.1:1", admin.token(), "--deadline", "3", "rules", "list");
        assertThat(unreachable.exit()).isEqualTo(ModerationCli.SERVER_ERROR);
        assertThat(unreachable.err()).contains("UNAVAILABLE");

        // login stores the token for the user alone; later commands use it.
        Path config = Files.createTempDirectory(dataDir, "chatmod");
        InputStream stdin = System.in;
        Cli login;
        try {
            System.setIn(new ByteArrayInputStream(admin.password().getBytes(StandardCharsets.UTF_8)));
            login = run(new String[] {"--config-dir", config.toString(), "login", "--auth-url",
                    platform.gatewayUrl(), "--username", ADMIN, "--password-stdin"});
        } finally {
            System.setIn(stdin);
        }
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(Files.getPosixFilePermissions(config.resolve("token")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        Cli stored = run(new String[] {"--target", "127.0.0.1:" + platform.ports().moderationGrpc(), "--config-dir",
                config.toString(), "rules", "list"});
        assertThat(stored.exit()).as(stored.err()).isZero();

        // Fifteen minutes later the access token has expired: the next command refreshes it with the stored refresh
        // token at auth-service and stores the new pair (the refresh token rotates).
        String refreshToken = Files.readString(config.resolve("refresh-token"));
        Files.writeString(config.resolve("token"), expiredJwt());
        Cli refreshed = run(new String[] {"--target", "127.0.0.1:" + platform.ports().moderationGrpc(),
                "--config-dir", config.toString(), "rules", "list"});
        assertThat(refreshed.exit()).as(refreshed.err()).isZero();
        assertThat(Files.readString(config.resolve("token"))).isNotEqualTo(expiredJwt()).startsWith("ey");
        assertThat(Files.readString(config.resolve("refresh-token"))).isNotEqualTo(refreshToken);
        for (String file : List.of("token", "refresh-token")) {
            assertThat(Files.getPosixFilePermissions(config.resolve(file))).as(file)
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        // A refresh token auth-service no longer honours: log in again (exit code 3).
        Files.writeString(config.resolve("token"), expiredJwt());
        Files.writeString(config.resolve("refresh-token"), refreshToken);
        Cli revoked = run(new String[] {"--target", "127.0.0.1:" + platform.ports().moderationGrpc(),
                "--config-dir", config.toString(), "rules", "list"});
        assertThat(revoked.exit()).isEqualTo(ModerationCli.AUTHENTICATION);
        assertThat(revoked.err()).contains("chatmod login");
        System.setIn(new ByteArrayInputStream("wrong password".getBytes(StandardCharsets.UTF_8)));
        try {
            Cli refused = run(new String[] {"--config-dir", config.toString(), "login", "--auth-url",
                    platform.gatewayUrl(), "--username", ADMIN, "--password-stdin"});
            assertThat(refused.exit()).isEqualTo(ModerationCli.AUTHENTICATION);
        } finally {
            System.setIn(stdin);
        }
    }

    // ---- helpers ----

    /** A token shaped like the platform's, expired an hour ago (its signature is never checked: it is refreshed). */
    private static String expiredJwt() {
        java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"sub\":\"x\",\"exp\":" + (Instant.now().getEpochSecond() - 3600) + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    private record User(String id, String token, String username, String password, String refreshToken) {
    }

    private record Cli(int exit, String out, String err) {
    }

    private static Cli cli(String token, String... args) {
        return cliAt("127.0.0.1:" + platform.ports().moderationGrpc(), token, args);
    }

    private static Cli cliAt(String target, String token, String... args) {
        List<String> all = new ArrayList<>(List.of("--target", target, "--config-dir",
                dataDir.resolve("no-login").toString()));
        if (token != null) {
            all.addAll(List.of("--token", token));
        }
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static Cli run(String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = ModerationCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    /** Reports the message as the member; returns the flag id. */
    private static String report(User member, String conversationId, String messageId) {
        Map<?, ?> body = api(member).post().uri("/api/reports").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("conversationId", conversationId, "messageId", messageId, "reason", "rude"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body.get("status")).isEqualTo("OPEN");
        return (String) body.get("flagId");
    }

    private static ModerationAdminGrpc.ModerationAdminBlockingStub admin() {
        return stub(admin.token());
    }

    private static ModerationAdminGrpc.ModerationAdminBlockingStub stub(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return ModerationAdminGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }

    private static Rule createRule(Rule rule) {
        return admin().createRule(CreateRuleRequest.newBuilder().setRule(rule).build()).getRule();
    }

    private static List<?> flagsOf(User user) {
        return admin().listFlags(ListFlagsRequest.newBuilder().setSenderUserId(user.id()).build()).getFlagsList();
    }

    private static void publish(String key, EventEnvelope envelope) {
        platform.context("chat-service").getBean(KafkaPublisher.class)
                .send(OutboundRecord.of(Topics.CHAT_MESSAGES, key, envelope.toByteArray()))
                .block(TIMEOUT);
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** A public room of {@code owner} that {@code member} joined; returns its id. */
    private static String room(User owner, User member) {
        String roomId = (String) api(owner).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Moderated " + UUID.randomUUID(), "visibility", "public"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        api(member).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        return roomId;
    }

    private static Map<?, ?> sendMessage(User sender, String conversationId, String text) {
        Map<?, ?> body = api(sender).post().uri("/api/conversations/{id}/messages", conversationId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", text))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return (Map<?, ?>) body.get("message");
    }

    private static String send(User sender, String conversationId, String text) {
        Map<?, ?> body = api(sender).post().uri("/api/conversations/{id}/messages", conversationId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", text))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return (String) ((Map<?, ?>) body.get("message")).get("messageId");
    }

    private static List<Map<?, ?>> history(User viewer, String conversationId) {
        Map<?, ?> body = api(viewer).get().uri("/api/conversations/{id}/messages?limit=200", conversationId)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> messages = (List<Map<?, ?>>) body.get("messages");
        return messages;
    }

    private static Map<?, ?> message(User viewer, String conversationId, String messageId) {
        return history(viewer, conversationId).stream()
                .filter(message -> messageId.equals(message.get("messageId")))
                .findFirst()
                .orElseThrow();
    }

    /** messageId to moderationState, as history shows them now. */
    private static Map<String, String> moderationStates(User viewer, String conversationId) {
        Map<String, String> states = new java.util.HashMap<>();
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
        String username = name.startsWith("modadmin_") ? name
                : name + "_" + UUID.randomUUID().toString().substring(0, 8);
        String password = "a long enough password " + UUID.randomUUID();
        gateway().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "email", username + "@example.org", "password", password))
                .exchange().expectStatus().isCreated();
        return login(username, password);
    }

    private static User login(String username, String password) {
        Map<?, ?> login = gateway().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", username, "password", password))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return new User((String) login.get("userId"), (String) login.get("accessToken"), username, password,
                (String) login.get("refreshToken"));
    }

    private static WebTestClient gateway() {
        return WebTestClient.bindToServer().baseUrl(platform.gatewayUrl()).responseTimeout(TIMEOUT).build();
    }

    private static WebTestClient api(User user) {
        return WebTestClient.bindToServer().baseUrl(platform.gatewayUrl()).responseTimeout(TIMEOUT)
                .defaultHeader("Authorization", "Bearer " + user.token()).build();
    }
}
