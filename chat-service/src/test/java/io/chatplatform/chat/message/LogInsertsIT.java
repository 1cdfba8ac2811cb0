package io.chatplatform.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.ChatServiceITSupport;
import com.mongodb.reactivestreams.client.MongoClient;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.outbox.OutboxMarkers;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Group commit of log entries against the embedded MongoDB server: entries written at the same time share round
 * trips, yet each keeps the outcome a single insert would have had.
 */
class LogInsertsIT extends ChatServiceITSupport {

    private static final int CONVERSATIONS = 120;

    @Autowired
    private MongoClient client;
    @Autowired
    private ReactiveMongoTemplate template;
    @Autowired
    private ConversationStore conversations;
    @Autowired
    private ApplicationEventPublisher events;

    @Test
    void entriesWrittenTogetherEachGetTheirOwnOutcomeAndOnlyStoredOnesGetAMarker() {
        // A database of its own, with the service's indexes: the running relay would otherwise take and clear the
        // markers this test counts.
        ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(
                new SimpleReactiveMongoDatabaseFactory(client, "log-inserts-" + UUID.randomUUID()),
                template.getConverter());
        this.mongo = mongo;
        OutboxMarkers markers = new OutboxMarkers(mongo);
        new MessageStore(mongo, conversations, markers, events).findBySender("nobody", "nothing").block(TIMEOUT);
        LogInserts inserts = new LogInserts(mongo, markers, events);
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Seq 1 of every conversation, and one clientMsgId per sender, stored beforehand.
        List<StoredMessage> first = new ArrayList<>();
        for (int i = 0; i < CONVERSATIONS; i++) {
            first.add(entry(run + "-c" + i, 1, run + "-s" + i, "first"));
        }
        Flux.fromIterable(first).flatMap(inserts::insert, CONVERSATIONS).blockLast(TIMEOUT);

        // Then, all at once: a new seq 2 (stored), a second seq 1 (taken) and a repeat of the sender's key (taken).
        List<StoredMessage> fresh = new ArrayList<>();
        List<StoredMessage> seqTaken = new ArrayList<>();
        List<StoredMessage> repeats = new ArrayList<>();
        for (int i = 0; i < CONVERSATIONS; i++) {
            fresh.add(entry(run + "-c" + i, 2, run + "-s" + i + "-2", "second"));
            seqTaken.add(entry(run + "-c" + i, 1, run + "-other" + i, "also first"));
            repeats.add(entry(run + "-r" + i, 1, run + "-s" + i, "first"));
        }
        List<Outcome> outcomes = Flux.concat(Flux.fromIterable(fresh), Flux.fromIterable(seqTaken),
                        Flux.fromIterable(repeats))
                .flatMap(entry -> inserts.insert(entry)
                        .map(stored -> new Outcome(entry, null))
                        .onErrorResume(failure -> Mono.just(new Outcome(entry, failure))), 3 * CONVERSATIONS)
                .collectList()
                .block(TIMEOUT);

        assertThat(outcomes).hasSize(3 * CONVERSATIONS);
        for (Outcome outcome : outcomes) {
            if (fresh.contains(outcome.entry())) {
                assertThat(outcome.failure()).as("stored: %s", outcome.entry().id()).isNull();
            } else {
                assertThat(outcome.failure()).as("refused: %s", outcome.entry().id())
                        .isInstanceOf(DuplicateKeyException.class)
                        .hasMessageContaining(seqTaken.contains(outcome.entry())
                                ? "conversation_seq_unique"
                                : "sender_client_msg_unique");
            }
        }
        assertThat(count(fresh)).as("every new entry stored").isEqualTo(CONVERSATIONS);
        assertThat(mongo.count(query(where("conversationId").regex("^" + run + "-r")), StoredMessage.class)
                .block(TIMEOUT)).as("no repeat stored").isZero();
        assertThat(mongo.count(query(where("text").is("also first").and("conversationId").regex("^" + run)),
                StoredMessage.class).block(TIMEOUT)).as("no second seq 1 stored").isZero();
        assertThat(markerCount(fresh)).as("a marker for each stored entry").isEqualTo(CONVERSATIONS);
        assertThat(markerCount(seqTaken) + markerCount(repeats)).as("no marker for a refused entry").isZero();
    }

    private ReactiveMongoTemplate mongo;

    private long count(List<StoredMessage> entries) {
        List<String> ids = entries.stream().map(StoredMessage::id).toList();
        return mongo.count(query(where("_id").in(ids)), StoredMessage.class).block(TIMEOUT);
    }

    private long markerCount(List<StoredMessage> entries) {
        List<String> ids = entries.stream().map(entry -> OutboxMarkers.MESSAGE + ":" + entry.id()).toList();
        return mongo.count(query(where("_id").in(ids)), Document.class, "outbox").block(TIMEOUT);
    }

    private static StoredMessage entry(String conversationId, long seq, String senderAndKey, String text) {
        String id = UUID.randomUUID().toString();
        return new StoredMessage(id, conversationId, "room", List.of(), seq, StoredMessage.MESSAGE, senderAndKey,
                senderAndKey, text, null, List.of(), Instant.now().truncatedTo(ChronoUnit.MILLIS), false, List.of(),
                null, false, StoredMessage.PENDING, null, null, 0L);
    }

    private record Outcome(StoredMessage entry, Throwable failure) {
    }
}
