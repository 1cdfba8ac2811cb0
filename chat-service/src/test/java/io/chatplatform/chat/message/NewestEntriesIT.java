package io.chatplatform.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import io.chatplatform.chat.ChatServiceITSupport;
import io.chatplatform.chat.conversation.Conversation;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.outbox.OutboxMarkers;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;
import reactor.core.publisher.Flux;

/**
 * The first page of a conversation with its latest seq in one read ({@link MessageStore#newest}), against the
 * embedded MongoDB server, from a store that knows nothing of what another writer stored: whatever it last knew,
 * the page is the newest entries and the latest seq is the highest stored.
 */
class NewestEntriesIT extends ChatServiceITSupport {

    @Autowired
    private MongoClient client;
    @Autowired
    private ReactiveMongoTemplate template;
    @Autowired
    private ConversationStore conversations;
    @Autowired
    private ApplicationEventPublisher events;

    private ReactiveMongoTemplate mongo;
    private String conversationId;

    @BeforeEach
    void privateDatabase() {
        // A database of its own, so the running relay leaves these entries' markers alone.
        mongo = new ReactiveMongoTemplate(
                new SimpleReactiveMongoDatabaseFactory(client, "newest-" + UUID.randomUUID()), template.getConverter());
        conversationId = "room-" + UUID.randomUUID();
    }

    @Test
    void aStoreThatKnowsOnlyTheStartFindsEntriesFarBeyondTheProbe() {
        storeBySomeoneElse(1, 100);
        // Knows seq 0 only (as a conversation document read long ago would say): the probe above it is all taken.
        MessageStore.Newest newest = freshStore().newest(conversation(0L), 4).block(TIMEOUT);

        assertThat(newest.latestSeq()).isEqualTo(100);
        assertThat(newest.entries()).extracting(StoredMessage::seq).containsExactly(100L, 99L, 98L, 97L);
    }

    @Test
    void aStoreThatKnowsALittleLessThanTheLatestFindsItInTheSameRead() {
        storeBySomeoneElse(1, 40);
        MessageStore.Newest newest = freshStore().newest(conversation(32L), 50).block(TIMEOUT);

        assertThat(newest.latestSeq()).isEqualTo(40);
        assertThat(newest.entries()).extracting(StoredMessage::seq)
                .containsExactlyElementsOf(LongStream.iterate(40, seq -> seq - 1).limit(40).boxed().toList());
    }

    @Test
    void anEmptyConversationHasNoEntriesAndLatestSeqZero() {
        MessageStore.Newest newest = freshStore().newest(conversation(0L), 10).block(TIMEOUT);

        assertThat(newest.latestSeq()).isZero();
        assertThat(newest.entries()).isEmpty();
    }

    @Test
    void aConversationDocumentOlderThanLastSeqIsAnsweredFromTheLog() {
        storeBySomeoneElse(1, 7);
        MessageStore.Newest newest = freshStore().newest(conversation(null), 3).block(TIMEOUT);

        assertThat(newest.latestSeq()).isEqualTo(7);
        assertThat(newest.entries()).extracting(StoredMessage::seq).containsExactly(7L, 6L, 5L);
    }

    /** A store with no seq hints: another instance, or this one after a restart. */
    private MessageStore freshStore() {
        return new MessageStore(mongo, conversations, new OutboxMarkers(mongo), events);
    }

    private void storeBySomeoneElse(long fromSeq, long toSeq) {
        LogInserts inserts = new LogInserts(mongo, new OutboxMarkers(mongo), events);
        // Creates the indexes first, as the service does before its first write.
        freshStore().findBySender("nobody", "nothing").block(TIMEOUT);
        // Built here: a random UUID reads SecureRandom, which must not happen on the driver's event loop.
        List<StoredMessage> entries = LongStream.rangeClosed(fromSeq, toSeq).mapToObj(this::entry).toList();
        Flux.fromIterable(entries).concatMap(inserts::insert).blockLast(TIMEOUT);
    }

    private StoredMessage entry(long seq) {
        return new StoredMessage(UUID.randomUUID().toString(), conversationId, "room", List.of(), seq,
                StoredMessage.MESSAGE, "sender", "key-" + seq, "text " + seq, null, List.of(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), false, List.of(), null, false, StoredMessage.PENDING,
                null, null, 0L);
    }

    /** The conversation as its document says, with {@code lastSeq} as given (null: a document older than it). */
    private Conversation conversation(Long lastSeq) {
        return new Conversation(conversationId, Conversation.ROOM, "Room", "room", null, "private", "post", 0,
                "owner", Instant.now(), List.of(), false, false, List.of(), lastSeq, 0L);
    }
}
