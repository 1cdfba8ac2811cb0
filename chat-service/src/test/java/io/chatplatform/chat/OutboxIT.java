package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.outbox.OutboxRelay;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.redis.RedisMessage;
import io.chatplatform.support.redis.RedisPubSub;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class OutboxIT extends ChatServiceITSupport {

    @Autowired
    private RedisPubSub redis;

    @Autowired
    private KafkaSubscriber kafka;

    @Autowired
    private OutboxRelay relay;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Test
    void dmEventsReachBothParticipantsOnRedisInSeqOrder() {
        String alice = newUser();
        String bob = newUser();
        String dmId = openDm(alice, bob);
        Flux<RedisMessage> aliceLive = redis.subscribeConfirmed(Topics.userChannel(alice)).block(TIMEOUT);
        Flux<RedisMessage> bobLive = redis.subscribeConfirmed(Topics.userChannel(bob)).block(TIMEOUT);

        for (int i = 1; i <= 3; i++) {
            sent(i == 2 ? bob : alice, dmId, "dm " + i);
        }

        for (Flux<RedisMessage> live : List.of(aliceLive, bobLive)) {
            List<EventEnvelope> events = live.map(message -> parseEvent(message.payload()))
                    .filter(event -> event.getType().startsWith("message."))
                    .take(3)
                    .collectList()
                    .block(TIMEOUT);
            assertThat(events).extracting(EventEnvelope::getType).containsOnly(EventTypes.MESSAGE_CREATED);
            assertThat(events).extracting(event -> event.getMessageCreated().getMessage().getSeq())
                    .containsExactly(1L, 2L, 3L);
            assertThat(events).extracting(event -> event.getMessageCreated().getMessage().getText())
                    .containsExactly("dm 1", "dm 2", "dm 3");
            assertThat(events.get(1).getMessageCreated().getRecipientUserIdsList()).containsExactly(alice);
            assertThat(events.get(0).getPartitionKey()).isEqualTo(dmId);
        }
        assertThat(kafkaEvents(Topics.CHAT_MESSAGES, dmId, 3))
                .extracting(event -> event.getMessageCreated().getMessage().getSeq())
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void membershipChangesAndReadReceiptsAreEventsToo() {
        String owner = newUser();
        String joiner = newUser();
        String added = newUser();
        String roomId = createRoom(owner, "Comings and goings", "public");
        as(joiner).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        as(joiner).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        addMember(owner, roomId, added);
        sent(owner, roomId, "hello");
        markRead(joiner, roomId, 1);
        markRead(joiner, roomId, 1);
        as(joiner).post().uri("/api/rooms/{id}/leave", roomId).exchange().expectStatus().isNoContent();
        as(owner).delete().uri("/api/rooms/{id}/members/{m}", roomId, added).exchange().expectStatus().isNoContent();

        List<EventEnvelope> events = kafka.consume(ConsumerSpec.of("it-" + UUID.randomUUID(),
                        Topics.CHAT_ROOM_EVENTS), record -> Mono.empty())
                .filter(record -> roomId.equals(record.key()))
                .map(record -> parseEvent(record.value()))
                .filter(event -> event.getType().equals("membership.changed")
                        || event.getType().equals("receipt.updated"))
                .take(6)
                .collectList()
                .block(TIMEOUT);
        // Joining twice and reading the same seq twice emit once each; per member, in order.
        assertThat(events).filteredOn(event -> event.getType().equals("membership.changed"))
                .extracting(event -> event.getMembershipChanged().getUserId() + " "
                        + event.getMembershipChanged().getChange())
                .containsExactlyInAnyOrder(owner + " MEMBERSHIP_CHANGE_JOINED", joiner + " MEMBERSHIP_CHANGE_JOINED",
                        added + " MEMBERSHIP_CHANGE_ADDED", joiner + " MEMBERSHIP_CHANGE_LEFT",
                        added + " MEMBERSHIP_CHANGE_REMOVED");
        assertThat(events).filteredOn(event -> event.getType().equals("receipt.updated"))
                .singleElement()
                .satisfies(receipt -> {
                    assertThat(receipt.getReceiptUpdated().getUserId()).isEqualTo(joiner);
                    assertThat(receipt.getReceiptUpdated().getUpToSeq()).isEqualTo(1);
                });
        assertThat(events).filteredOn(event -> event.getType().equals("membership.changed")
                        && event.getMembershipChanged().getUserId().equals(added))
                .extracting(event -> event.getMembershipChanged().getActorUserId())
                .containsOnly(owner);
        // Once published, a removed membership is gone; the rejoin starts fresh.
        await().atMost(TIMEOUT).until(() -> mongo.count(query(where("_id").is(roomId + "/" + joiner)), "members")
                .block(TIMEOUT) == 0);
        as(joiner).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();
        send(joiner, roomId, UUID.randomUUID().toString(), "back again").expectStatus().isCreated();
    }

    private void markRead(String userId, String conversationId, long seq) {
        as(userId).post().uri("/api/conversations/{id}/read", conversationId)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("seq", seq))
                .exchange()
                .expectStatus().isOk();
    }

    @Test
    void roomEventsGoToKafkaKeyedByRoomInSeqOrder() {
        String owner = newUser();
        String roomId = createRoom(owner, "Kafka room", "public");
        for (int i = 1; i <= 5; i++) {
            sent(owner, roomId, "room " + i);
        }

        List<EventEnvelope> roomEvents = kafkaEvents(Topics.CHAT_ROOM_EVENTS, roomId, 5);
        assertThat(roomEvents).extracting(event -> event.getMessageCreated().getMessage().getSeq())
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(roomEvents).extracting(EventEnvelope::getEventId).doesNotHaveDuplicates();
        assertThat(roomEvents.get(0).getProducer()).isEqualTo("chat-service");
        assertThat(kafkaEvents(Topics.CHAT_MESSAGES, roomId, 5))
                .extracting(EventEnvelope::getEventId)
                .containsExactlyElementsOf(roomEvents.stream().map(EventEnvelope::getEventId).toList());
    }

    @Test
    void eventsStoredWhileTheRelayIsDownArePublishedAfterItStarts() {
        String owner = newUser();
        String roomId = createRoom(owner, "Relay down", "private");
        relay.stop();
        try {
            await().atMost(TIMEOUT).until(() -> !relay.isRunning());
            for (int i = 1; i <= 3; i++) {
                sent(owner, roomId, "while down " + i);
            }
            // Stored with their events still pending: the relay has not run.
            assertThat(pendingMessages(roomId)).isEqualTo(3);
        } finally {
            relay.start();
        }

        assertThat(kafkaEvents(Topics.CHAT_ROOM_EVENTS, roomId, 3))
                .extracting(event -> event.getMessageCreated().getMessage().getText())
                .containsExactly("while down 1", "while down 2", "while down 3");
        await().atMost(TIMEOUT).until(() -> pendingMessages(roomId) == 0);
    }

    @Test
    void eventsWhoseMarkerWasNeverWrittenAreFoundByTheSearchAtStart() {
        String owner = newUser();
        String roomId = createRoom(owner, "Crash before the marker", "private");
        relay.stop();
        try {
            await().atMost(TIMEOUT).until(() -> !relay.isRunning());
            for (int i = 1; i <= 2; i++) {
                sent(owner, roomId, "unmarked " + i);
            }
            // As if the process died between storing each message (with its events) and writing its marker.
            mongo.remove(query(where("conversationId").is(roomId)), "outbox").block(TIMEOUT);
            assertThat(pendingMessages(roomId)).isEqualTo(2);
        } finally {
            relay.start();
        }

        assertThat(kafkaEvents(Topics.CHAT_ROOM_EVENTS, roomId, 2))
                .extracting(event -> event.getMessageCreated().getMessage().getText())
                .containsExactly("unmarked 1", "unmarked 2");
        await().atMost(TIMEOUT).until(() -> pendingMessages(roomId) == 0);
    }

    /**
     * A backlog longer than one read of the search (the relay reads 20 batches' markers at once, sorted by
     * conversation and seq, and publishes them a batch at a time): every marker is worked off, and the messages
     * behind the first read still go out complete and in seq order. The 4,500 markers ahead of them point to no
     * stored message (their conversation id sorts first), so the relay clears them without publishing anything.
     */
    @Test
    void aBacklogLongerThanOneSearchReadIsWorkedOffCompletelyAndInSeqOrder() {
        String owner = newUser();
        String roomId = createRoom(owner, "Long backlog", "private");
        String ahead = "!ahead-" + UUID.randomUUID();
        relay.stop();
        try {
            await().atMost(TIMEOUT).until(() -> !relay.isRunning());
            for (int i = 1; i <= 3; i++) {
                sent(owner, roomId, "behind the backlog " + i);
            }
            Date now = new Date();
            List<Document> backlog = IntStream.rangeClosed(1, 4_500)
                    .mapToObj(seq -> new Document("_id", "message:" + ahead + "-" + seq).append("kind", "message")
                            .append("documentId", ahead + "-" + seq).append("conversationId", ahead)
                            .append("seq", (long) seq).append("writer", "another-instance").append("markedAt", now)
                            .append("version", 1L))
                    .toList();
            mongo.insert(backlog, "outbox").then().block(TIMEOUT);
        } finally {
            relay.start();
        }

        assertThat(kafkaEvents(Topics.CHAT_ROOM_EVENTS, roomId, 3))
                .extracting(event -> event.getMessageCreated().getMessage().getText())
                .containsExactly("behind the backlog 1", "behind the backlog 2", "behind the backlog 3");
        await().atMost(TIMEOUT).until(() -> pendingMessages(roomId) == 0
                && mongo.count(query(where("conversationId").is(ahead)), "outbox").block(TIMEOUT) == 0);
    }


    /** The first {@code count} events with this key, read from the start of the topic with a fresh group. */
    private List<EventEnvelope> kafkaEvents(String topic, String key, int count) {
        return kafka.consume(ConsumerSpec.of("it-" + UUID.randomUUID(), topic), record -> Mono.empty())
                .filter(record -> key.equals(record.key()))
                .map(record -> parseEvent(record.value()))
                // Message events only: rooms' own events (room.created, ...) share the topic and key.
                .filter(event -> event.getType().startsWith("message."))
                .take(count)
                .collectList()
                .block(TIMEOUT);
    }

}
