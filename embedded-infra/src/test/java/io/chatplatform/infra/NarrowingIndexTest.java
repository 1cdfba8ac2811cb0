package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

/** Which queries a wrapped unique index serves, and with which exact lookups. */
class NarrowingIndexTest {

    private final NarrowingIndex<Integer> byId = new NarrowingIndex<>(
            new MemoryUniqueIndex("_id_", List.of(new IndexKey("_id", true)), false), false);
    private final NarrowingIndex<Integer> bySeq = new NarrowingIndex<>(
            new MemoryUniqueIndex("conversation_seq", List.of(new IndexKey("c", true), new IndexKey("s", true)), false),
            false);

    @Test
    void anIdWithMoreConditionsIsOneLookup() {
        Document query = new Document("_id", "m1").append("deleted", false)
                .append("moderationState", new Document("$ne", "hidden"));

        assertThat(byId.canHandle(query)).isTrue();
        assertThat(byId.lookups(query)).containsExactly(new Document("_id", "m1"));
    }

    @Test
    void anInListOnACompoundIndexBecomesOneLookupPerValue() {
        Document query = new Document("c", "room").append("s", new Document("$in", List.of(3L, 4L)))
                .append("kind", "message");

        assertThat(bySeq.canHandle(query)).isTrue();
        assertThat(bySeq.lookups(query)).containsExactly(
                new Document("c", "room").append("s", 3L),
                new Document("c", "room").append("s", 4L));
    }

    @Test
    void rangesMissingKeysNullsAndArraysStillScan() {
        assertThat(bySeq.canHandle(new Document("c", "room").append("s", new Document("$gt", 3L)))).isFalse();
        assertThat(bySeq.canHandle(new Document("c", "room"))).isFalse();
        assertThat(byId.canHandle(new Document("_id", null).append("x", 1))).isFalse();
        assertThat(byId.canHandle(new Document("_id", List.of("a")).append("x", 1))).isFalse();
        assertThat(byId.canHandle(new Document("_id", new Document("$in", List.of(new Document("a", 1))))
                .append("x", 1))).isFalse();
    }

    @Test
    void keysAreTheSameWhenEachIsAbsentInBothOrTheSameObjectOrAnEqualScalar() {
        List<IndexKey> keys = List.of(new IndexKey("c", true), new IndexKey("s", true));
        Document before = new Document("c", "room").append("s", 3L).append("text", "a");

        assertThat(NarrowingIndex.sameKeyValues(keys, before, new Document("c", "room").append("s", 3L)
                .append("text", "b"))).isTrue();
        assertThat(NarrowingIndex.sameKeyValues(keys, new Document("x", 1), new Document("x", 2))).isTrue();
        Document nested = new Document("a", 1);
        assertThat(NarrowingIndex.sameKeyValues(keys, new Document("c", nested), new Document("c", nested))).isTrue();
    }

    @Test
    void anythingElseIsLeftToTheFullComparison() {
        List<IndexKey> keys = List.of(new IndexKey("c", true), new IndexKey("s", true));
        Document before = new Document("c", "room").append("s", 3L);

        assertThat(NarrowingIndex.sameKeyValues(keys, before, new Document("c", "room").append("s", 4L))).isFalse();
        assertThat(NarrowingIndex.sameKeyValues(keys, before, new Document("c", "room").append("s", 3))).isFalse();
        assertThat(NarrowingIndex.sameKeyValues(keys, before, new Document("c", "room"))).isFalse();
        assertThat(NarrowingIndex.sameKeyValues(keys, new Document("c", "room").append("s", null),
                new Document("c", "room"))).isFalse();
        assertThat(NarrowingIndex.sameKeyValues(List.of(new IndexKey("c", true)), new Document("c", new Document("a", 1)),
                new Document("c", new Document("a", 1)))).isFalse();
        assertThat(NarrowingIndex.sameKeyValues(List.of(new IndexKey("c", true)), new Document("c", List.of(1)),
                new Document("c", List.of(1)))).isFalse();
        assertThat(NarrowingIndex.sameKeyValues(List.of(new IndexKey("c.d", true)), new Document("c.d", 1),
                new Document("c.d", 1))).isFalse();
    }

    @Test
    void aHugeCartesianProductScansInstead() {
        List<Long> many = java.util.stream.LongStream.rangeClosed(1, 3_000).boxed().toList();
        assertThat(bySeq.canHandle(new Document("c", "room").append("s", new Document("$in", many)))).isFalse();
    }
}
