package io.chatplatform.chat.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.ChatProperties;
import io.chatplatform.chat.ChatServiceITSupport;
import io.chatplatform.contracts.Topics;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/** The relay's search of the outbox collection, driven one pass at a time while the relay's own loop is stopped. */
class OutboxSearchIT extends ChatServiceITSupport {

    private static final int CONVERSATIONS = 10;

    @Autowired
    private OutboxRelay relay;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    private ChatProperties properties;

    @Autowired
    private KafkaSubscriber kafka;

    @Autowired
    private MeterRegistry registry;

    /**
     * Sends keep adding markers, more after every pass than the pass publishes, to every conversation of a backlog
     * longer than one read of the search. A search that started each read from the top again found a full read every
     * time and never ended; one that goes on after its last read goes through the backlog once. The markers point to
     * no stored message (their conversation ids sort first), so each pass only clears them.
     */
    @Test
    void aSearchEndsWhileMarkersKeepArrivingInEveryConversation() {
        int batch = properties.outbox().batchSize();
        String prefix = "!search-" + UUID.randomUUID() + "-";
        long[] lastSeq = new long[CONVERSATIONS];
        relay.stop();
        int passes = 0;
        try {
            await().atMost(TIMEOUT).until(() -> !relay.isRunning());
            // 25 batches: more than one read of the search (20 batches).
            insertMarkers(prefix, lastSeq, batch * 25);
            relay.startSearching();
            while (relay.isSearching() && passes < 200) {
                relay.relayOnce().block(TIMEOUT);
                passes++;
                insertMarkers(prefix, lastSeq, batch + batch / 4);
            }
            assertThat(relay.isSearching()).as("still searching after %d passes", passes).isFalse();
            // One read of 20 batches (the first eight conversations' markers), their 20 passes, then the rest: what
            // was added meanwhile to the eighth conversation, where the read ended, and the last two conversations'
            // markers, old and new (12.5 batches), in 13 more passes; one or two more if other
            // tests left markers of their own, which sort after these.
            assertThat(passes).isBetween(33, 35);
        } finally {
            relay.start();
        }
        // Everything the search went past is still found: the relay's start searches again.
        await().atMost(TIMEOUT).until(() -> mongo.count(query(where("conversationId").regex("^" + prefix)),
                OutboxMarkers.COLLECTION).block(TIMEOUT) == 0);
    }

    /**
     * The search for outboxes whose marker was never written publishes those and leaves the marked ones, many of which
     * are pending under load only because their pass has not come yet, to the passes that take markers. An unmarked
     * message behind more marked ones than one page of the search (4,000) is still found,
     * and unmarked messages that follow a marked one in their conversation go out after it, in seq order.
     */
    @Test
    void theSearchForUnmarkedOutboxesFindsThemBehindMarkedOnesAndKeepsSeqOrder() {
        String owner = newUser();
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rooms.add(createRoom(owner, "Unmarked search " + i, "private"));
        }
        rooms.sort(Comparator.naturalOrder());
        List<String> early = rooms.subList(0, 8);
        String late = rooms.get(8);
        relay.stop();
        int found;
        try {
            await().atMost(TIMEOUT).until(() -> !relay.isRunning());
            // 8 x 30 = 240 marked messages sorting before the late room (30: the per-conversation send limit).
            for (String room : early) {
                for (int i = 1; i <= 30; i++) {
                    sent(owner, room, "marked " + i);
                }
            }
            // More than a page of marked pending messages (copies of a stored one, without events) sorting first.
            int page = Math.max(properties.outbox().batchSize(), OutboxRelay.UNMARKED_PAGE);
            String copies = markedPendingCopies(early.get(0), page + 100);
            String first = (String) sent(owner, late, "late 1").get("messageId");
            String second = (String) sent(owner, late, "late 2").get("messageId");
            String third = (String) sent(owner, late, "late 3").get("messageId");
            // As if the process died between storing the last two and writing their markers.
            mongo.remove(query(where("_id").in(OutboxMarkers.idOf(OutboxMarkers.MESSAGE, second),
                    OutboxMarkers.idOf(OutboxMarkers.MESSAGE, third))), OutboxMarkers.COLLECTION).block(TIMEOUT);
            assertThat(mongo.exists(query(where("_id").is(OutboxMarkers.idOf(OutboxMarkers.MESSAGE, first))),
                    OutboxMarkers.COLLECTION).block(TIMEOUT)).isTrue();

            double countedBefore = registry.counter("chat.outbox.unmarked").count();
            found = relay.publishUnmarked().block(TIMEOUT);
            assertThat(registry.counter("chat.outbox.unmarked").count()).as("chat_outbox_unmarked_total")
                    .isEqualTo(countedBefore + 2);

            assertThat(pendingMessages(late)).as("the late room, marked message included").isZero();
            assertThat(early.stream().mapToLong(this::pendingMessages).sum()).as("marked, left to their passes")
                    .isEqualTo(240);
            assertThat(pendingMessages(copies)).isEqualTo(page + 100);
        } finally {
            mongo.remove(query(where("conversationId").regex("^!copies-")), "messages").block(TIMEOUT);
            mongo.remove(query(where("conversationId").regex("^!copies-")), OutboxMarkers.COLLECTION).block(TIMEOUT);
            relay.start();
        }
        assertThat(found).isEqualTo(2);
        assertThat(kafkaTexts(late, 3)).containsExactly("late 1", "late 2", "late 3");
        await().atMost(TIMEOUT).until(() -> early.stream().mapToLong(this::pendingMessages).sum() == 0);
    }


    /** The texts of the first {@code count} message events of the room on {@code chat.room-events}. */
    private List<String> kafkaTexts(String roomId, int count) {
        return kafka.consume(ConsumerSpec.of("it-" + UUID.randomUUID(), Topics.CHAT_ROOM_EVENTS), record -> Mono.empty())
                .filter(record -> roomId.equals(record.key()))
                .map(record -> parseEvent(record.value()))
                .filter(event -> event.getType().startsWith("message."))
                .map(event -> event.getMessageCreated().getMessage().getText())
                .take(count)
                .collectList()
                .block(TIMEOUT);
    }


    /** On MongoDB the relay's ordered reads are served by an index instead of sorting every pending marker. */
    @Test
    void theMarkersHaveAnIndexInTheOrderTheRelayReadsThem() {
        relay.relayOnce().block(TIMEOUT);
        List<Document> indexes = mongo.getCollection(OutboxMarkers.COLLECTION)
                .flatMapMany(outbox -> outbox.listIndexes())
                .collectList()
                .block(TIMEOUT);
        assertThat(indexes).filteredOn(index -> "outbox_order".equals(index.getString("name")))
                .singleElement()
                .extracting(index -> index.get("key", Document.class))
                .isEqualTo(new Document("conversationId", 1).append("seq", 1).append("_id", 1));
    }

    /**
     * {@code count} copies of a message stored in {@code conversationId}, pending and marked but without events (the
     * relay has nothing to publish for them), in a conversation of their own that sorts before every real one; returns
     * its id.
     */
    private String markedPendingCopies(String sourceConversationId, int count) {
        Document original = mongo.findOne(query(where("conversationId").is(sourceConversationId)), Document.class,
                "messages").block(TIMEOUT);
        String conversationId = "!copies-" + UUID.randomUUID();
        List<Document> copies = new ArrayList<>(count);
        List<Document> markers = new ArrayList<>(count);
        Date now = new Date();
        for (int seq = 1; seq <= count; seq++) {
            String id = UUID.randomUUID().toString();
            Document copy = new Document(original);
            copy.remove("pendingEvents");
            copies.add(copy.append("_id", id).append("conversationId", conversationId).append("seq", (long) seq)
                    .append("clientMsgId", id).append("outboxPending", true));
            markers.add(new Document("_id", OutboxMarkers.idOf(OutboxMarkers.MESSAGE, id))
                    .append("kind", OutboxMarkers.MESSAGE).append("documentId", id)
                    .append("conversationId", conversationId).append("seq", (long) seq)
                    .append("writer", "another-instance").append("markedAt", now).append("version", 1L));
        }
        mongo.insert(copies, "messages").then().block(TIMEOUT);
        mongo.insert(markers, OutboxMarkers.COLLECTION).then().block(TIMEOUT);
        return conversationId;
    }

    /** {@code count} markers, one per conversation in turn, each with its conversation's next seq. */
    private void insertMarkers(String prefix, long[] lastSeq, int count) {
        Date now = new Date();
        List<Document> markers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int conversation = i % CONVERSATIONS;
            String conversationId = prefix + conversation;
            long seq = ++lastSeq[conversation];
            String documentId = conversationId + "-" + seq;
            markers.add(new Document("_id", OutboxMarkers.idOf(OutboxMarkers.MESSAGE, documentId))
                    .append("kind", OutboxMarkers.MESSAGE).append("documentId", documentId)
                    .append("conversationId", conversationId).append("seq", seq)
                    .append("writer", "another-instance").append("markedAt", now).append("version", 1L));
        }
        mongo.insert(markers, OutboxMarkers.COLLECTION).then().block(TIMEOUT);
    }
}
