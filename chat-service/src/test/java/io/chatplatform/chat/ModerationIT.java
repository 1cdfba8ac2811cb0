package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.HideMessageRequest;
import io.chatplatform.contracts.chat.HideMessageResponse;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.ModerationVerdict;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.OutboundRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * HideMessage over gRPC, pre-moderated rooms against a gRPC double of moderation-service, and later verdicts
 * ({@code moderation.verdict} on Kafka {@code moderation.events}, as moderation-service announces reviews).
 */
class ModerationIT extends ChatServiceITSupport {

    @Autowired
    private KafkaSubscriber kafka;

    @Autowired
    private KafkaPublisher publisher;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Test
    void hiddenMessagesKeepTheirTextForAuditButNoReaderSeesIt() {
        String owner = newUser();
        String member = newUser();
        String roomId = createRoom(owner, "Hide", "private");
        addMember(owner, roomId, member);
        String bad = (String) sent(member, roomId, "something awful").get("messageId");
        var chat = ChatServiceGrpc.newBlockingStub(grpcChannel());

        HideMessageResponse first = chat.hideMessage(hide(roomId, bad));
        HideMessageResponse again = chat.hideMessage(hide(roomId, bad));

        assertThat(first.getSeq()).isEqualTo(1);
        assertThat(first.getAlreadyHidden()).isFalse();
        assertThat(again.getAlreadyHidden()).isTrue();
        assertThat(again.getHiddenAt()).isEqualTo(first.getHiddenAt());
        for (String reader : List.of(owner, member)) {
            Map<?, ?> history = history(reader, roomId, "");
            assertThat(seqs(history)).as("the hide took seq 2, the repeat none").containsExactly(1L, 2L);
            List<?> entries = (List<?>) history.get("messages");
            Map<?, ?> hidden = (Map<?, ?>) entries.get(0);
            assertThat(hidden.get("text")).isEqualTo("");
            assertThat(hidden.get("moderationState")).isEqualTo("hidden");
            assertThat(((Map<?, ?>) entries.get(1)).get("kind")).isEqualTo("hide");
        }
        Document stored = mongo.findOne(query(where("_id").is(bad)), Document.class, "messages").block(TIMEOUT);
        assertThat(stored.getString("text")).isEqualTo("something awful");
        assertThat(stored.get("moderation", Document.class).getString("reason")).isEqualTo("abuse");

        EventEnvelope hiddenEvent = roomEvents(roomId, 2).get(1);
        assertThat(hiddenEvent.getType()).isEqualTo("message.hidden");
        assertThat(hiddenEvent.getMessageHidden().getMessageId()).isEqualTo(bad);
        assertThat(hiddenEvent.getMessageHidden().getSeq()).isEqualTo(1);
        assertThat(hiddenEvent.getMessageHidden().getChangeSeq()).isEqualTo(2);
        assertThat(hiddenEvent.getMessageHidden().getSenderUserId()).isEqualTo(member);
        assertThat(hiddenEvent.getMessageHidden().getHiddenBy().getUserId()).isEqualTo("mod-1");
        assertThat(hiddenEvent.getMessageHidden().getFlagId()).isEqualTo("flag-7");
    }

    @Test
    void hidingSomethingThatIsNotThereIsAClearError() {
        String owner = newUser();
        String roomId = createRoom(owner, "Hide errors", "private");
        var chat = ChatServiceGrpc.newBlockingStub(grpcChannel());

        assertThatThrownBy(() -> chat.hideMessage(hide(roomId, "0123456789abcdef01234567")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> chat.hideMessage(hide(roomId, "not an id!")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> chat.hideMessage(hide("0123456789abcdef01234567", "0123456789abcdef01234567")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void preModeratedRoomsHoldMessagesUntilTheVerdict() {
        String owner = newUser();
        String member = newUser();
        String roomId = createPreModeratedRoom(owner);
        addMember(owner, roomId, member);

        Map<?, ?> allowed = sent(member, roomId, "hello there");
        Map<?, ?> hidden = sent(member, roomId, "buy now [hide]");
        Map<?, ?> review = sent(member, roomId, "borderline [hold]");
        assertThat(allowed.get("moderationState")).as("acknowledged as held").isEqualTo("held");

        // By message id, not seq: a verdict's hide entry may take a seq between the sends.
        String allowedId = (String) allowed.get("messageId");
        String hiddenId = (String) hidden.get("messageId");
        String reviewId = (String) review.get("messageId");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            List<?> seenByOwner = (List<?>) history(owner, roomId, "").get("messages");
            assertThat(byId(seenByOwner, allowedId).get("moderationState")).isEqualTo("approved");
            assertThat(byId(seenByOwner, hiddenId).get("moderationState")).isEqualTo("hidden");
            assertThat(byId(seenByOwner, reviewId).get("moderationState")).isEqualTo("held");
        });
        List<?> seenByOwner = (List<?>) history(owner, roomId, "").get("messages");
        assertThat(byId(seenByOwner, allowedId).get("text")).isEqualTo("hello there");
        assertThat(byId(seenByOwner, hiddenId).get("text")).isEqualTo("");
        assertThat(byId(seenByOwner, reviewId).get("text")).as("held from everyone but its sender").isEqualTo("");
        List<?> seenBySender = (List<?>) history(member, roomId, "").get("messages");
        assertThat(byId(seenBySender, reviewId).get("text")).isEqualTo("borderline [hold]");
        assertThat(ModerationDouble.get().checks())
                .filteredOn(check -> check.getMessageId().equals(reviewId))
                .as("a held-for-review message is not asked about again")
                .hasSize(1);

        List<EventEnvelope> events = roomEvents(roomId, 5);
        assertThat(events).extracting(EventEnvelope::getType).containsExactlyInAnyOrder(
                "message.created", "message.created", "message.created", "message.released", "message.hidden");
        EventEnvelope released = events.stream().filter(event -> event.getType().equals("message.released"))
                .findFirst().orElseThrow();
        assertThat(released.getMessageReleased().getMessage().getMessageId()).isEqualTo(allowedId);
    }

    @Test
    void withoutAVerdictAHeldMessageStaysHeldAndTheSweepAsksAgain() {
        String owner = newUser();
        String roomId = createPreModeratedRoom(owner);

        Map<?, ?> silent = sent(owner, roomId, "anyone there? [silent]");
        String messageId = (String) silent.get("messageId");
        // Fail-closed: timeouts keep it held, and the sweep keeps asking.
        await().atMost(TIMEOUT).until(() -> ModerationDouble.get().checks().stream()
                .filter(check -> check.getMessageId().equals(messageId)).count() >= 2);
        assertThat(state((List<?>) history(owner, roomId, "").get("messages"), 1)).isEqualTo("held");

        ModerationDouble.get().answerSilentOnes(true);
        try {
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(state((List<?>) history(owner, roomId, "").get("messages"), 1)).isEqualTo("approved"));
        } finally {
            ModerationDouble.get().answerSilentOnes(false);
        }
    }

    @Test
    void aReviewWhoseAnnouncementWasLostIsPickedUpByTheSweep() {
        String owner = newUser();
        String roomId = createPreModeratedRoom(owner);
        Map<?, ?> review = sent(owner, roomId, "borderline [hold]");
        String reviewId = (String) review.get("messageId");
        await().atMost(TIMEOUT).until(() -> mongo.findOne(query(where("_id").is(reviewId)), Document.class,
                "messages").block(TIMEOUT).get("moderation") != null);

        // A moderator approved it, but the verdict event never reached chat-service. Once the held-for-review
        // verdict is older than review-recheck-after (5 minutes), the sweep asks again and gets the decision.
        ModerationDouble.get().reviewed(reviewId, Verdict.VERDICT_ALLOW);
        mongo.updateFirst(query(where("_id").is(reviewId)),
                new org.springframework.data.mongodb.core.query.Update().set("moderation.at",
                        java.util.Date.from(java.time.Instant.now().minus(java.time.Duration.ofMinutes(6)))),
                "messages").block(TIMEOUT);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                byId((List<?>) history(owner, roomId, "").get("messages"), reviewId).get("moderationState"))
                .isEqualTo("approved"));
    }

    @Test
    void anAllowOnReviewReleasesAHeldMessageToEveryoneWithItsSeqOnceHoweverOftenItComes() {
        String owner = newUser();
        String member = newUser();
        String roomId = createPreModeratedRoom(owner);
        addMember(owner, roomId, member);
        Map<?, ?> review = heldForReview(member, roomId, "borderline [hold]");
        String reviewId = (String) review.get("messageId");
        long seq = ((Number) review.get("seq")).longValue();
        assertThat(byId((List<?>) history(owner, roomId, "").get("messages"), reviewId).get("text")).isEqualTo("");

        // The moderator approves; moderation-service announces the verdict, and may announce it again.
        publishVerdict(roomId, reviewId, seq, Verdict.VERDICT_ALLOW);
        publishVerdict(roomId, reviewId, seq, Verdict.VERDICT_ALLOW);
        // A later message of the room, kept for review too, then approved: once its release is seen, both
        // announcements of the first verdict (same partition, before it) were applied.
        Map<?, ?> later = heldForReview(member, roomId, "later [hold]");
        String laterId = (String) later.get("messageId");
        publishVerdict(roomId, laterId, ((Number) later.get("seq")).longValue(), Verdict.VERDICT_ALLOW);

        await().atMost(TIMEOUT).untilAsserted(() -> {
            List<?> seenByOwner = (List<?>) history(owner, roomId, "").get("messages");
            assertThat(byId(seenByOwner, laterId).get("moderationState")).isEqualTo("approved");
        });
        Map<?, ?> released = byId((List<?>) history(owner, roomId, "").get("messages"), reviewId);
        assertThat(released.get("moderationState")).isEqualTo("approved");
        assertThat(released.get("text")).isEqualTo("borderline [hold]");
        assertThat(((Number) released.get("seq")).longValue()).as("keeps its seq").isEqualTo(seq);

        List<EventEnvelope> releases = roomEvents(roomId, 4).stream()
                .filter(event -> event.getType().equals("message.released"))
                .toList();
        assertThat(releases).as("each held message released once").hasSize(2);
        assertThat(releases.get(0).getMessageReleased().getMessage().getMessageId()).isEqualTo(reviewId);
        assertThat(releases.get(0).getMessageReleased().getMessage().getSeq()).isEqualTo(seq);
        assertThat(releases.get(0).getMessageReleased().getMessage().getText()).isEqualTo("borderline [hold]");
        assertThat(releases.get(0).getMessageReleased().getMessage().getModerationState())
                .isEqualTo(io.chatplatform.contracts.chat.ModerationState.MODERATION_STATE_APPROVED);
        assertThat(releases.get(1).getMessageReleased().getMessage().getMessageId()).isEqualTo(laterId);
    }

    @Test
    void anAllowMarksAPostModeratedMessageApprovedButNeverUnhidesOne() {
        String owner = newUser();
        String roomId = createRoom(owner, "Post", "private");
        Map<?, ?> fine = sent(owner, roomId, "all good");
        Map<?, ?> bad = sent(owner, roomId, "hide me");
        String fineId = (String) fine.get("messageId");
        String badId = (String) bad.get("messageId");
        assertThat(fine.get("moderationState")).isEqualTo("pending");
        ChatServiceGrpc.newBlockingStub(grpcChannel()).hideMessage(hide(roomId, badId));

        publishVerdict(roomId, badId, 2, Verdict.VERDICT_ALLOW);
        publishVerdict(roomId, fineId, 1, Verdict.VERDICT_ALLOW);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                byId((List<?>) history(owner, roomId, "").get("messages"), fineId).get("moderationState"))
                .isEqualTo("approved"));
        Map<?, ?> stillHidden = byId((List<?>) history(owner, roomId, "").get("messages"), badId);
        assertThat(stillHidden.get("moderationState")).isEqualTo("hidden");
        assertThat(stillHidden.get("text")).isEqualTo("");
    }

    /**
     * Approvals that arrive together are written together (one update for many messages). A burst of ALLOW verdicts
     * for post-moderated messages in several rooms, with one for a held message among them, approves every one of
     * them and still releases the held one; a redelivered verdict changes nothing.
     */
    @Test
    void aBurstOfAllowVerdictsApprovesEveryMessageAndReleasesTheHeldOneAmongThem() {
        String owner = newUser();
        String member = newUser();
        String preRoom = createPreModeratedRoom(owner);
        addMember(owner, preRoom, member);
        Map<?, ?> held = heldForReview(member, preRoom, "borderline [hold]");
        String heldId = (String) held.get("messageId");
        List<String> rooms = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> createRoom(owner, "Burst " + i, "private"))
                .toList();
        List<EventEnvelope> verdicts = new java.util.ArrayList<>();
        List<String[]> posted = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (String roomId : rooms) {
                Map<?, ?> message = sent(owner, roomId, "fine " + i);
                posted.add(new String[] {roomId, (String) message.get("messageId")});
                verdicts.add(verdict(roomId, (String) message.get("messageId"),
                        ((Number) message.get("seq")).longValue(), Verdict.VERDICT_ALLOW));
            }
            if (i == 10) {
                verdicts.add(verdict(preRoom, heldId, ((Number) held.get("seq")).longValue(), Verdict.VERDICT_ALLOW));
            }
        }
        // One verdict twice, as a redelivery would bring it.
        verdicts.add(verdicts.get(5));

        reactor.core.publisher.Flux.fromIterable(verdicts)
                .flatMap(envelope -> publisher.send(OutboundRecord.of(Topics.MODERATION_EVENTS,
                        envelope.getModerationVerdict().getConversation().getId(), envelope.toByteArray())))
                .blockLast(TIMEOUT);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                byId((List<?>) history(owner, preRoom, "").get("messages"), heldId).get("text"))
                .isEqualTo("borderline [hold]"));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            for (String[] message : posted) {
                assertThat(byId((List<?>) history(owner, message[0], "").get("messages"), message[1])
                        .get("moderationState")).as("message %s", message[1]).isEqualTo("approved");
            }
        });
        assertThat(byId((List<?>) history(owner, preRoom, "").get("messages"), heldId).get("moderationState"))
                .isEqualTo("approved");
    }

    /** Sends a message the check holds for review, and waits until it is held: the check's HOLD is recorded. */
    private Map<?, ?> heldForReview(String sender, String roomId, String text) {
        Map<?, ?> message = sent(sender, roomId, text);
        String messageId = (String) message.get("messageId");
        await().atMost(TIMEOUT).until(() -> mongo.findOne(query(where("_id").is(messageId)), Document.class,
                "messages").block(TIMEOUT).get("moderation") != null);
        return message;
    }

    private void publishVerdict(String roomId, String messageId, long seq, Verdict verdict) {
        EventEnvelope envelope = verdict(roomId, messageId, seq, verdict);
        publisher.send(OutboundRecord.of(Topics.MODERATION_EVENTS, roomId, envelope.toByteArray())).block(TIMEOUT);
    }

    private static EventEnvelope verdict(String roomId, String messageId, long seq, Verdict verdict) {
        return EventEnvelope.newBuilder()
                .setEventId(Ids.newId())
                .setType("moderation.verdict")
                .setProducer("moderation-service")
                .setPartitionKey(roomId)
                .setModerationVerdict(ModerationVerdict.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(roomId))
                        .setMessageId(messageId)
                        .setSeq(seq)
                        .setVerdict(verdict)
                        .setDecidedBy(Actor.newBuilder().setKind(ActorKind.ACTOR_KIND_MODERATOR).setUserId("mod-1")))
                .build();
    }

    private String createPreModeratedRoom(String owner) {
        Map<?, ?> room = as(owner).post()
                .uri("/api/rooms")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Pre " + owner, "visibility", "private", "moderationMode", "pre"))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) room.get("id");
    }

    private static Object state(List<?> entries, long seq) {
        return entry(entries, seq).get("moderationState");
    }

    private static Map<?, ?> byId(List<?> entries, String messageId) {
        return entries.stream()
                .map(Map.class::cast)
                .filter(entry -> messageId.equals(entry.get("messageId")))
                .findFirst()
                .orElseThrow();
    }

    private static Map<?, ?> entry(List<?> entries, long seq) {
        return entries.stream()
                .map(Map.class::cast)
                .filter(entry -> ((Number) entry.get("seq")).longValue() == seq)
                .findFirst()
                .orElseThrow();
    }

    private static HideMessageRequest hide(String roomId, String messageId) {
        return HideMessageRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(roomId))
                .setMessageId(messageId)
                .setReason("abuse")
                .setModerator(Actor.newBuilder().setKind(ActorKind.ACTOR_KIND_MODERATOR).setUserId("mod-1"))
                .setFlagId("flag-7")
                .build();
    }

    private List<EventEnvelope> roomEvents(String roomId, int count) {
        return kafka.consume(ConsumerSpec.of("it-" + Ids.newId(), Topics.CHAT_ROOM_EVENTS), record -> Mono.empty())
                .filter(record -> roomId.equals(record.key()))
                .map(record -> parseEvent(record.value()))
                .filter(event -> event.getType().startsWith("message."))
                .take(count)
                .collectList()
                .block(TIMEOUT);
    }

}
