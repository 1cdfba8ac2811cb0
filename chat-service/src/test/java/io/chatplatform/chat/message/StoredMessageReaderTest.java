package io.chatplatform.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoClientSettings;
import io.chatplatform.chat.outbox.PendingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.convert.MappingMongoConverter;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;
import org.springframework.data.mongodb.core.convert.NoOpDbRefResolver;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;

/**
 * {@link StoredMessageReader} reads what Spring Data's reflective mapping reads, field for field, from documents as
 * they come off the wire (written by the mapping, encoded to BSON and decoded by the driver's codec).
 */
class StoredMessageReaderTest {

    private static final Instant CREATED = Instant.parse("2026-12-06T10:15:30.123Z");

    private final MappingMongoConverter reflective = reflectiveConverter();
    private final StoredMessageReader reader = new StoredMessageReader();

    @Test
    void readsEveryFieldOfAFullyPopulatedEntryAsTheReflectiveMappingDoes() {
        // Every component set to something other than its default, so a component the reader forgets shows up.
        StoredMessage entry = new StoredMessage("6f1c2b9e-3d4a-4f5b-8c7d-1e2f3a4b5c6d", "conv-1", "dm",
                List.of("alice", "bob"), 42, StoredMessage.EDIT, "alice", "client-7", "edited text", "reply-9",
                List.of("bob", "carol"), CREATED, true,
                List.of(new PendingEvent("event-1", "message.edited", "first".getBytes(StandardCharsets.UTF_8)),
                        new PendingEvent("event-2", "message.hidden", new byte[] {0, 1, 2, (byte) 255})),
                CREATED.plusSeconds(5), true, StoredMessage.HIDDEN,
                new StoredMessage.HiddenBy("moderator-1", "spam", "flag-3", CREATED.plusSeconds(9)),
                "target-5", 41L);

        Document wire = overTheWire(entry);
        StoredMessage read = reader.convert(wire);

        assertThat(read).usingRecursiveComparison().isEqualTo(reflective.read(StoredMessage.class, wire));
        assertThat(read).usingRecursiveComparison().isEqualTo(entry);
        assertThat(read.pendingEvents().get(1).envelope()).containsExactly(0, 1, 2, 255);
    }

    @Test
    void readsAnOldSparseEntryWithTheSameDefaultsAsTheReflectiveMapping() {
        // An entry from before kind, mentions, moderation state and target seq existed (the record's defaults).
        Document wire = new Document("_id", "old-1").append("conversationId", "conv-2").append("seq", 3)
                .append("senderId", "dave").append("text", "hello").append("outboxPending", false)
                .append("deleted", false);

        StoredMessage read = reader.convert(wire);

        assertThat(read).usingRecursiveComparison().isEqualTo(reflective.read(StoredMessage.class, wire));
        assertThat(read.seq()).isEqualTo(3);
        assertThat(read.kind()).isEqualTo(StoredMessage.MESSAGE);
        assertThat(read.moderationState()).isEqualTo(StoredMessage.PENDING);
        assertThat(read.mentions()).isEmpty();
        assertThat(read.targetSeq()).isZero();
        assertThat(read.pendingEvents()).isNull();
    }

    @Test
    void anEntryWithItsOutboxClearedReadsWithoutEvents() {
        StoredMessage entry = new StoredMessage("id-3", "room-1", "room", List.of(), 7, StoredMessage.MESSAGE, "erin",
                "client-1", "hi", null, List.of(), CREATED, false, null, null, false, StoredMessage.APPROVED, null,
                null, null);

        Document wire = overTheWire(entry);

        assertThat(reader.convert(wire)).usingRecursiveComparison()
                .isEqualTo(reflective.read(StoredMessage.class, wire));
    }

    /** Written by the mapping, then encoded to BSON and decoded as the driver hands documents to the template. */
    private Document overTheWire(StoredMessage entry) {
        Document written = new Document();
        reflective.write(entry, written);
        DocumentCodec codec = new DocumentCodec(MongoClientSettings.getDefaultCodecRegistry());
        return new RawBsonDocument(written, codec).decode(codec);
    }

    private static MappingMongoConverter reflectiveConverter() {
        // Spring Data's defaults, without the service's reader.
        MongoCustomConversions conversions = new MongoCustomConversions(List.of());
        MongoMappingContext context = new MongoMappingContext();
        context.setSimpleTypeHolder(conversions.getSimpleTypeHolder());
        context.afterPropertiesSet();
        MappingMongoConverter converter = new MappingMongoConverter(NoOpDbRefResolver.INSTANCE, context);
        converter.setCustomConversions(conversions);
        converter.afterPropertiesSet();
        return converter;
    }
}
