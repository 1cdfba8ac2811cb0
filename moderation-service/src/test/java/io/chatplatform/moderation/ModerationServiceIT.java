package io.chatplatform.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.FieldMask;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.common.PageRequest;
import io.chatplatform.contracts.moderation.AuditAction;
import io.chatplatform.contracts.moderation.AuditLogRequest;
import io.chatplatform.contracts.moderation.CheckRequest;
import io.chatplatform.contracts.moderation.CheckResponse;
import io.chatplatform.contracts.moderation.CreateRuleRequest;
import io.chatplatform.contracts.moderation.DeleteRuleRequest;
import io.chatplatform.contracts.moderation.Flag;
import io.chatplatform.contracts.moderation.ListFlagsRequest;
import io.chatplatform.contracts.moderation.ListFlagsResponse;
import io.chatplatform.contracts.moderation.ModerationAdminGrpc;
import io.chatplatform.contracts.moderation.ModerationServiceGrpc;
import io.chatplatform.contracts.moderation.ReviewDecision;
import io.chatplatform.contracts.moderation.ReviewFlagRequest;
import io.chatplatform.contracts.moderation.Rule;
import io.chatplatform.contracts.moderation.RuleAction;
import io.chatplatform.contracts.moderation.RuleKind;
import io.chatplatform.contracts.moderation.TestRulesRequest;
import io.chatplatform.contracts.moderation.UpdateRuleRequest;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.moderation.rules.StoredRule;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import reactor.core.publisher.Mono;

/**
 * moderation-service on its own, on embedded Kafka, Redis and MongoDB, over real gRPC: the synchronous Check with
 * rules reloaded from MongoDB, counting that a repeated check does not repeat, reviews, rule validation and paging.
 * (Hiding and blocking through chat-service and auth-service are covered with the whole platform in e2e-tests.)
 */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=moderation-service",
        "spring.grpc.server.port=0",
        "chat.moderation.rules-refresh=200ms",
        "chat.service-auth.token=" + ModerationServiceIT.SERVICE_TOKEN})
@Import({TestTokens.Config.class, ModerationServiceIT.GrpcPort.class})
class ModerationServiceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The services' shared gRPC credentials in this test; {@link #check} presents them as chat-service does. */
    static final String SERVICE_TOKEN = "moderation-it-service-token";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static ManagedChannel channel;

    @Autowired
    GrpcPort grpcPort;

    @org.springframework.boot.test.web.server.LocalServerPort
    int httpPort;

    @Autowired
    ReactiveMongoTemplate mongo;

    @Autowired
    io.chatplatform.support.kafka.KafkaPublisher kafkaPublisher;

    @Autowired
    io.chatplatform.support.kafka.KafkaSubscriber kafkaSubscriber;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @AfterAll
    static void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    @Test
    void aRuleWrittenToMongoDbAppliesWithoutARestartAndARepeatedCheckGivesTheSameFlag() {
        String room = "room-" + UUID.randomUUID();
        Instant now = Instant.now();
        // As another instance (or an operator) would store it: straight into MongoDB, not through this instance.
        mongo.insert(new StoredRule(UUID.randomUUID().toString(), "direct " + room,
                io.chatplatform.moderation.rules.RuleKind.KEYWORD, "forbidden fruit",
                io.chatplatform.moderation.rules.RuleAction.HIDE, true, room, 0, 0, 0, 1, now, now, "ops")).block();

        CheckResponse first = await().atMost(TIMEOUT).until(() -> check(room, "m1-" + room, "u1",
                "some F0RBIDDEN  fruuuit"), response -> response.getVerdict() == Verdict.VERDICT_HIDE);
        assertThat(first.getFlagId()).isNotEmpty();
        assertThat(first.getReasonsList()).singleElement()
                .satisfies(reason -> assertThat(reason.getCode()).isEqualTo("keyword"));
        assertThat(check(room, "m1-" + room, "u1", "some F0RBIDDEN  fruuuit").getFlagId())
                .isEqualTo(first.getFlagId());
        assertThat(check(room, "m2-" + room, "u1", "an apple").getVerdict()).isEqualTo(Verdict.VERDICT_ALLOW);
        assertThat(check("elsewhere", "m3-" + room, "u1", "forbidden fruit").getVerdict())
                .as("the rule is for one conversation").isEqualTo(Verdict.VERDICT_ALLOW);
        CheckResponse unstored = check(room, "", "", "forbidden fruit");
        assertThat(unstored.getVerdict()).isEqualTo(Verdict.VERDICT_HIDE);
        assertThat(unstored.getFlagId()).as("nothing stored for an unstored text").isEmpty();
    }

    @Test
    void floodCountsEachMessageOnceHoweverOftenItIsChecked() {
        String room = "room-" + UUID.randomUUID();
        create(Rule.newBuilder().setName("flood " + room).setKind(RuleKind.RULE_KIND_FLOOD).setPattern("2/1m")
                .setAction(RuleAction.RULE_ACTION_FLAG).setEnabled(true).setConversationId(room).build());
        String sender = "u-" + UUID.randomUUID();
        assertThat(check(room, "a-" + room, sender, "one").getVerdict()).isEqualTo(Verdict.VERDICT_ALLOW);
        for (int i = 0; i < 3; i++) {
            assertThat(check(room, "b-" + room, sender, "two").getVerdict()).as("check %d of the second", i)
                    .isEqualTo(Verdict.VERDICT_ALLOW);
        }
        CheckResponse third = check(room, "c-" + room, sender, "three");
        assertThat(third.getVerdict()).isEqualTo(Verdict.VERDICT_HOLD);
        assertThat(third.getReasonsList().get(0).getDetail()).contains("3 messages", "more than 2");
        assertThat(check(room, "c-" + room, sender, "three").getVerdict()).isEqualTo(Verdict.VERDICT_HOLD);

        // A moderator approves the held message: the next check (chat-service's sweep) releases it.
        Flag approved = admin("mod-1").reviewFlag(ReviewFlagRequest.newBuilder().setFlagId(third.getFlagId())
                .setDecision(ReviewDecision.REVIEW_DECISION_APPROVE).setNote("fine").build()).getFlag();
        assertThat(approved.getReviewedBy().getUserId()).isEqualTo("mod-1");
        assertThat(check(room, "c-" + room, sender, "three").getVerdict()).isEqualTo(Verdict.VERDICT_ALLOW);
        assertThatThrownBy(() -> admin("mod-1").reviewFlag(ReviewFlagRequest.newBuilder()
                .setFlagId(third.getFlagId()).setDecision(ReviewDecision.REVIEW_DECISION_DISMISS).build()))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void rulesAreValidatedVersionedAndAudited() {
        String moderator = "mod-" + UUID.randomUUID();
        assertThatThrownBy(() -> admin(moderator).createRule(CreateRuleRequest.newBuilder().setRule(Rule.newBuilder()
                        .setName("bad regex").setKind(RuleKind.RULE_KIND_REGEX).setPattern("[a-")
                        .setAction(RuleAction.RULE_ACTION_HIDE)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, error -> {
                    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(error.getStatus().getDescription()).contains("not a valid regular expression");
                });
        assertThatThrownBy(() -> create(Rule.newBuilder().setName("no action").setKind(RuleKind.RULE_KIND_KEYWORD)
                .setPattern("x").build()))
                .satisfies(error -> assertThat(((StatusRuntimeException) error).getStatus().getDescription())
                        .contains("action is required"));

        Rule rule = admin(moderator).createRule(CreateRuleRequest.newBuilder().setRule(Rule.newBuilder()
                .setName("words " + moderator).setKind(RuleKind.RULE_KIND_KEYWORD).setPattern("zzyzx")
                .setAction(RuleAction.RULE_ACTION_HIDE).setEnabled(true)).build()).getRule();
        assertThat(admin(moderator).testRules(TestRulesRequest.newBuilder().setText("ZZYZX!").build()).getVerdict())
                .isEqualTo(Verdict.VERDICT_HIDE);
        assertThatThrownBy(() -> create(rule.toBuilder().setRuleId("").build()))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.ALREADY_EXISTS));

        Rule disabled = admin(moderator).updateRule(UpdateRuleRequest.newBuilder()
                .setRule(rule.toBuilder().setEnabled(false))
                .setUpdateMask(FieldMask.newBuilder().addPaths("enabled")).build()).getRule();
        assertThat(disabled.getVersion()).isEqualTo(2);
        assertThat(disabled.getPattern()).isEqualTo("zzyzx");
        assertThat(admin(moderator).testRules(TestRulesRequest.newBuilder().setText("zzyzx").build()).getVerdict())
                .as("a disabled rule is not applied").isEqualTo(Verdict.VERDICT_ALLOW);
        assertThatThrownBy(() -> admin(moderator).updateRule(UpdateRuleRequest.newBuilder()
                .setRule(rule.toBuilder().setPattern("other")).build()))
                .as("stale version").satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.ABORTED));
        assertThatThrownBy(() -> admin(moderator).updateRule(UpdateRuleRequest.newBuilder()
                .setRule(disabled).setUpdateMask(FieldMask.newBuilder().addPaths("version")).build()))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        admin(moderator).deleteRule(DeleteRuleRequest.newBuilder().setRuleId(rule.getRuleId()).build());
        assertThatThrownBy(() -> admin(moderator).deleteRule(DeleteRuleRequest.newBuilder()
                .setRuleId(rule.getRuleId()).build()))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.NOT_FOUND));

        assertThat(admin(moderator).auditLog(AuditLogRequest.newBuilder().setActorUserId(moderator).build())
                .getEntriesList())
                .extracting(entry -> entry.getAction())
                .containsExactlyInAnyOrder(AuditAction.AUDIT_ACTION_RULE_DELETED,
                        AuditAction.AUDIT_ACTION_RULE_UPDATED, AuditAction.AUDIT_ACTION_RULE_CREATED);
    }

    @Test
    void flagsPageNewestFirstWithoutGapsOrRepeats() {
        String room = "room-" + UUID.randomUUID();
        create(Rule.newBuilder().setName("page " + room).setKind(RuleKind.RULE_KIND_KEYWORD).setPattern("pageme")
                .setAction(RuleAction.RULE_ACTION_FLAG).setEnabled(true).setConversationId(room).build());
        List<String> flagged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flagged.add(0, check(room, "p" + i + "-" + room, "u", "pageme " + i).getFlagId());
        }
        List<String> paged = new ArrayList<>();
        List<Long> createdAt = new ArrayList<>();
        String cursor = "";
        AtomicInteger pages = new AtomicInteger();
        do {
            ListFlagsResponse page = admin("mod").listFlags(ListFlagsRequest.newBuilder().setConversationId(room)
                    .setPage(PageRequest.newBuilder().setLimit(2).setCursor(cursor)).build());
            page.getFlagsList().forEach(flag -> {
                paged.add(flag.getFlagId());
                createdAt.add(flag.getCreatedAt().getSeconds() * 1000 + flag.getCreatedAt().getNanos() / 1_000_000);
            });
            cursor = page.getPage().getNextCursor();
            pages.incrementAndGet();
        } while (!cursor.isEmpty());
        assertThat(paged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(flagged);
        assertThat(createdAt).as("newest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(pages.get()).isEqualTo(3);
    }

    @Test
    void watchersSeeFlagsAsTheyAreOpened() {
        String room = "room-" + UUID.randomUUID();
        create(Rule.newBuilder().setName("watch " + room).setKind(RuleKind.RULE_KIND_KEYWORD).setPattern("watchme")
                .setAction(RuleAction.RULE_ACTION_FLAG).setEnabled(true).setConversationId(room).build());
        java.util.concurrent.BlockingQueue<Flag> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + TestTokens.moderator("watcher"));
        io.grpc.Context.CancellableContext watching = io.grpc.Context.current().withCancellation();
        watching.run(() -> ModerationAdminGrpc.newStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .watchFlags(io.chatplatform.contracts.moderation.WatchFlagsRequest.newBuilder()
                        .setStatus(io.chatplatform.contracts.moderation.FlagStatus.FLAG_STATUS_OPEN).build(),
                        new io.grpc.stub.StreamObserver<>() {
                            @Override
                            public void onNext(io.chatplatform.contracts.moderation.WatchFlagsResponse value) {
                                seen.add(value.getFlag());
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        }));
        try {
            // The stream is up once a flag arrives; flags opened before that are not expected on it.
            List<String> opened = new ArrayList<>();
            Flag first = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
                opened.add(check(room, "w" + opened.size() + "-" + room, "u", "watchme").getFlagId());
                return seen.poll();
            }, flag -> flag != null);
            assertThat(opened).contains(first.getFlagId());
            assertThat(first.getStatus()).isEqualTo(io.chatplatform.contracts.moderation.FlagStatus.FLAG_STATUS_OPEN);
            assertThat(first.getConversation().getId()).isEqualTo(room);
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void reviewsChecksAndTheStreamAnnounceWhatChatServiceAndClientsActOnAndAreCounted() {
        String room = "room-" + UUID.randomUUID();
        create(Rule.newBuilder().setName("review " + room).setKind(RuleKind.RULE_KIND_KEYWORD).setPattern("reviewme")
                .setAction(RuleAction.RULE_ACTION_FLAG).setEnabled(true).setConversationId(room).build());
        create(Rule.newBuilder().setName("no rudeness " + room).setKind(RuleKind.RULE_KIND_KEYWORD)
                .setPattern("rude").setAction(RuleAction.RULE_ACTION_HIDE_AND_WARN).setEnabled(true)
                .setConversationId(room).build());
        double flaggedBefore = counter("flag", "check");
        double warnedBefore = counter("hide_and_warn", "check");
        double allowedBefore = counter("allow", "stream");
        long timedBefore = checkLatencyCount();

        CheckResponse approved = check(room, "a-" + room, "u-a", "reviewme please");
        CheckResponse dismissed = check(room, "b-" + room, "u-b", "reviewme too");
        CheckResponse rude = check(room, "c-" + room, "u-c", "so RUDE");
        assertThat(check(room, "a-" + room, "u-a", "reviewme please").getFlagId())
                .as("asked again, e.g. by chat-service's sweep after a timeout").isEqualTo(approved.getFlagId());
        assertThat(approved.getVerdict()).isEqualTo(Verdict.VERDICT_HOLD);
        assertThat(rude.getVerdict()).isEqualTo(Verdict.VERDICT_HIDE);
        admin("mod-2").reviewFlag(ReviewFlagRequest.newBuilder().setFlagId(approved.getFlagId())
                .setDecision(ReviewDecision.REVIEW_DECISION_APPROVE).build());
        admin("mod-2").reviewFlag(ReviewFlagRequest.newBuilder().setFlagId(dismissed.getFlagId())
                .setDecision(ReviewDecision.REVIEW_DECISION_DISMISS).build());
        // A post-moderated message on chat.messages that breaks no rule.
        publishCreated(room, "d-" + room, 4, "u-d", "just saying hello").block(TIMEOUT);

        java.util.Map<String, io.chatplatform.contracts.events.EventEnvelope> announced =
                new java.util.concurrent.ConcurrentHashMap<>();
        kafkaSubscriber.consume(io.chatplatform.support.kafka.ConsumerSpec.of("it-" + UUID.randomUUID(),
                        io.chatplatform.contracts.Topics.MODERATION_EVENTS), record -> reactor.core.publisher.Mono.empty())
                .map(record -> parse(record.value()))
                .filter(event -> event.hasModerationVerdict()
                        && event.getModerationVerdict().getConversation().getId().equals(room)
                        && event.getModerationVerdict().getVerdict() == Verdict.VERDICT_ALLOW
                        || event.hasUserWarned() && event.getUserWarned().getConversation().getId().equals(room))
                .doOnNext(event -> announced.put(event.hasUserWarned() ? "warned"
                        : event.getModerationVerdict().getMessageId(), event))
                .takeUntil(event -> announced.size() == 4)
                .timeout(TIMEOUT)
                .blockLast();

        assertThat(announced).containsOnlyKeys("a-" + room, "b-" + room, "d-" + room, "warned");
        assertThat(announced.get("a-" + room).getModerationVerdict().getDecidedBy().getUserId())
                .as("approve releases").isEqualTo("mod-2");
        assertThat(announced.get("b-" + room).getModerationVerdict().getDecidedBy().getUserId())
                .as("dismiss releases too").isEqualTo("mod-2");
        assertThat(announced.get("d-" + room).getModerationVerdict().getDecidedBy().getKind())
                .as("the asynchronous check allowed it")
                .isEqualTo(io.chatplatform.contracts.common.ActorKind.ACTOR_KIND_SYSTEM);
        var warned = announced.get("warned").getUserWarned();
        assertThat(warned.getUserId()).isEqualTo("u-c");
        assertThat(warned.getMessageId()).isEqualTo("c-" + room);
        assertThat(warned.getRuleName()).isEqualTo("no rudeness " + room);
        assertThat(warned.getReason()).isNotEmpty();

        assertThat(counter("flag", "check") - flaggedBefore).isEqualTo(2);
        assertThat(counter("hide_and_warn", "check") - warnedBefore).isEqualTo(1);
        await().atMost(TIMEOUT).until(() -> counter("allow", "stream") - allowedBefore >= 1);
        assertThat(checkLatencyCount() - timedBefore).isGreaterThanOrEqualTo(3);
    }

    /**
     * The asynchronous check acts on each message once: a burst of messages in several rooms (several of the
     * consumer's lanes, so their lookups and records share commands) is checked and recorded once each, and each
     * message delivered again afterwards (a redelivery) finds its record and is not acted on again.
     */
    @Test
    void everyMessageOnTheStreamIsCheckedAndRecordedOnceHoweverOftenItComes() {
        String run = UUID.randomUUID().toString();
        List<String> rooms = java.util.stream.IntStream.range(0, 6).mapToObj(i -> "room-" + i + "-" + run).toList();
        double allowedBefore = counter("allow", "stream");
        List<String[]> messages = new java.util.ArrayList<>();
        for (int seq = 1; seq <= 10; seq++) {
            for (String room : rooms) {
                messages.add(new String[] {room, "m" + seq + "-" + room, Integer.toString(seq)});
            }
        }
        reactor.core.publisher.Flux.fromIterable(messages)
                .concatMap(message -> publishCreated(message[0], message[1], Long.parseLong(message[2]), "u-" + message[1],
                        "hello " + message[2]))
                .blockLast(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> recordsOf(rooms) == messages.size());
        await().atMost(TIMEOUT).until(() -> counter("allow", "stream") - allowedBefore == messages.size());

        // Delivered again, each behind its own first delivery in its room's lane.
        reactor.core.publisher.Flux.fromIterable(messages.subList(0, 12))
                .concatMap(message -> publishCreated(message[0], message[1], Long.parseLong(message[2]), "u-" + message[1],
                        "hello " + message[2]))
                .blockLast(TIMEOUT);
        // A later message in every room: once it is recorded, the repeats before it in its lane were handled.
        rooms.forEach(room -> publishCreated(room, "last-" + room, 11, "u-last-" + room, "last").block(TIMEOUT));
        await().atMost(TIMEOUT).until(() -> recordsOf(rooms) == messages.size() + rooms.size());
        assertThat(counter("allow", "stream") - allowedBefore).as("each message acted on once")
                .isEqualTo(messages.size() + rooms.size());
    }

    private long recordsOf(List<String> rooms) {
        return mongo.count(org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("conversationId").in(rooms)),
                "verdicts").block(TIMEOUT);
    }

    /** A post-moderated room message on {@code chat.messages}, as chat-service's relay publishes it. */
    private Mono<Void> publishCreated(String room, String messageId, long seq, String sender, String text) {
        return kafkaPublisher.send(io.chatplatform.support.kafka.OutboundRecord.of(
                io.chatplatform.contracts.Topics.CHAT_MESSAGES, room,
                io.chatplatform.contracts.events.EventEnvelope.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setType("message.created")
                        .setProducer("chat-service")
                        .setPartitionKey(room)
                        .setMessageCreated(io.chatplatform.contracts.events.MessageCreated.newBuilder()
                                .setMessage(io.chatplatform.contracts.chat.ChatMessage.newBuilder()
                                        .setMessageId(messageId)
                                        .setConversation(ConversationRef.newBuilder().setId(room)
                                                .setKind(ConversationKind.CONVERSATION_KIND_ROOM))
                                        .setSeq(seq)
                                        .setSenderUserId(sender)
                                        .setText(text)
                                        .setCreatedAt(com.google.protobuf.Timestamp.newBuilder()
                                                .setSeconds(Instant.now().getEpochSecond()))
                                        .setModerationState(
                                                io.chatplatform.contracts.chat.ModerationState.MODERATION_STATE_PENDING)
                                        .setKind(io.chatplatform.contracts.chat.EntryKind.ENTRY_KIND_MESSAGE)))
                        .build().toByteArray())).then();
    }

    private double counter(String action, String path) {
        var counter = meters.find(io.chatplatform.moderation.check.Verdicts.VERDICTS_METRIC)
                .tags("action", action, "path", path).counter();
        return counter == null ? 0 : counter.count();
    }

    private long checkLatencyCount() {
        return meters.find("moderation.check.latency").timers().stream()
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
    }

    private static io.chatplatform.contracts.events.EventEnvelope parse(byte[] bytes) {
        try {
            return io.chatplatform.contracts.events.EventEnvelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void plainUsersAreRefused() {
        assertThatThrownBy(() -> stub(TestTokens.user("someone")).listRules(
                io.chatplatform.contracts.moderation.ListRulesRequest.getDefaultInstance()))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> stub("not-a-token").listRules(
                io.chatplatform.contracts.moderation.ListRulesRequest.getDefaultInstance()))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void checkIsForThePlatformsServicesOnlyAndChangesNothingWithoutTheirCredentials() {
        CheckRequest request = CheckRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId("r-guarded")
                        .setKind(ConversationKind.CONVERSATION_KIND_ROOM))
                .setMessageId("m-guarded")
                .setSenderUserId("u-guarded")
                .setText("hello")
                .build();
        var bare = ModerationServiceGrpc.newBlockingStub(channel())
                .withDeadlineAfter(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThatThrownBy(() -> bare.check(request))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> io.chatplatform.support.grpc.ServiceCredentials.attach(bare, "not-the-token")
                .check(request))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.UNAUTHENTICATED));
        // A moderator's user token is not a service credential either.
        assertThatThrownBy(() -> bare.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                        bearer(TestTokens.moderator("mod")))).check(request))
                .satisfies(error -> assertThat(code(error)).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(check("r-guarded", "m-guarded", "u-guarded", "hello").getVerdict().name()).as("with them it answers")
                .isEqualTo("VERDICT_ALLOW");
    }

    @Test
    void theModeratorRestApiRefusesPlainUsersAndAnonymousCallers() {
        org.springframework.test.web.reactive.server.WebTestClient web =
                org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                        .baseUrl("http://127.0.0.1:" + httpPort).responseTimeout(TIMEOUT).build();
        java.util.Map<String, Object> hide = java.util.Map.of("conversationId", "r-1", "messageId", "m-1", "reason", "x");
        java.util.Map<String, Object> block = java.util.Map.of("userId", "u-victim", "reason", "x");
        for (String authorization : java.util.Arrays.asList("Bearer " + TestTokens.user("plain"), null,
                "Bearer not-a-token")) {
            int expected = authorization != null && authorization.contains("not-a-token") || authorization == null
                    ? 401 : 403;
            List<org.springframework.test.web.reactive.server.WebTestClient.RequestHeadersSpec<?>> calls = List.of(
                    web.post().uri("/api/moderation/messages/hide")
                            .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(hide),
                    web.post().uri("/api/moderation/blocks")
                            .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(block),
                    web.delete().uri("/api/moderation/blocks/{userId}", "u-victim"));
            for (var call : calls) {
                if (authorization != null) {
                    call.header("Authorization", authorization);
                }
                call.exchange()
                        .expectStatus().isEqualTo(expected)
                        .expectHeader().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
            }
        }
        assertThat(admin("mod").auditLog(io.chatplatform.contracts.moderation.AuditLogRequest.newBuilder()
                .setTargetUserId("u-victim").build()).getEntriesList()).as("nothing was done").isEmpty();
    }

    @Test
    void operatorsAndMalformedJsonInRestBodiesAre400ProblemsAndDoNothing() {
        org.springframework.test.web.reactive.server.WebTestClient web =
                org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                        .baseUrl("http://127.0.0.1:" + httpPort).responseTimeout(TIMEOUT).build();
        String gt = "{\"$gt\":\"\"}";
        List<String[]> bad = List.of(
                new String[] {"/api/reports", "{\"conversationId\":" + gt + ",\"messageId\":\"m\",\"reason\":\"x\"}"},
                new String[] {"/api/reports", "{\"conversationId\":\"c\",\"messageId\":" + gt + ",\"reason\":\"x\"}"},
                new String[] {"/api/reports", "{\"conversationId\":\"c\",\"messageId\":\"m\",\"reason\":" + gt + "}"},
                new String[] {"/api/reports", "{\"conversationId\":"},
                new String[] {"/api/moderation/messages/hide",
                        "{\"conversationId\":" + gt + ",\"messageId\":\"m\",\"reason\":\"x\"}"},
                new String[] {"/api/moderation/messages/hide",
                        "{\"conversationId\":\"c\",\"messageId\":{\"$ne\":null},\"reason\":\"x\"}"},
                new String[] {"/api/moderation/blocks", "{\"userId\":" + gt + ",\"reason\":\"x\"}"},
                new String[] {"/api/moderation/blocks", "{\"userId\":\"u-op\",\"reason\":\"x\",\"durationSeconds\":" + gt + "}"},
                new String[] {"/api/moderation/blocks", "[]"});
        for (String[] request : bad) {
            String token = request[0].startsWith("/api/reports") ? TestTokens.user("reporter")
                    : TestTokens.moderator("mod");
            web.post().uri(request[0]).header("Authorization", "Bearer " + token)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(request[1])
                    .exchange()
                    .expectStatus().value(status -> assertThat(status).as(String.join(" ", request)).isEqualTo(400))
                    .expectHeader().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
        }
        assertThat(admin("mod").auditLog(io.chatplatform.contracts.moderation.AuditLogRequest.newBuilder()
                .setTargetUserId("u-op").build()).getEntriesList()).as("nothing was done").isEmpty();
    }

    private static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return headers;
    }

    private static Status.Code code(Throwable error) {
        return ((StatusRuntimeException) error).getStatus().getCode();
    }

    private CheckResponse check(String conversation, String messageId, String sender, String text) {
        return io.chatplatform.support.grpc.ServiceCredentials.attach(ModerationServiceGrpc.newBlockingStub(channel()),
                        SERVICE_TOKEN)
                .withDeadlineAfter(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                .check(CheckRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(conversation)
                                .setKind(ConversationKind.CONVERSATION_KIND_ROOM))
                        .setMessageId(messageId)
                        .setSenderUserId(sender)
                        .setText(text)
                        .build());
    }

    private Rule create(Rule rule) {
        return admin("mod").createRule(CreateRuleRequest.newBuilder().setRule(rule).build()).getRule();
    }

    private ModerationAdminGrpc.ModerationAdminBlockingStub admin(String moderator) {
        return stub(TestTokens.moderator(moderator));
    }

    private ModerationAdminGrpc.ModerationAdminBlockingStub stub(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return ModerationAdminGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }

    private ManagedChannel channel() {
        synchronized (ModerationServiceIT.class) {
            if (channel == null) {
                channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort.port()).usePlaintext().build();
            }
            return channel;
        }
    }

    /** Records the port the gRPC server took. */
    @TestConfiguration(proxyBeanMethods = false)
    static class GrpcPort {
        private final AtomicInteger port = new AtomicInteger();

        @EventListener
        void started(GrpcServerStartedEvent event) {
            port.set(event.getPort());
        }

        int port() {
            return port.get();
        }
    }
}
