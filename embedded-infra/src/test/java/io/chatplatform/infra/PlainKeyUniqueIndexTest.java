package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

/** The keys the plain-key unique index computes are the library's, whichever way it takes. */
class PlainKeyUniqueIndexTest {

    private static final List<Document> DOCUMENTS = List.of(
            new Document("a", "x").append("b", 2L),
            new Document("a", 1).append("b", "y"),
            new Document("a", 1L).append("b", 1.0),
            new Document("a", -0.0).append("b", 0),
            new Document("a", null).append("b", "y"),
            new Document("b", "y"),
            new Document("a", new Document("b", 3).append("c", List.of(1, 2))).append("b", true),
            new Document("a", List.of(1, 2)).append("b", "y"),
            new Document("a", new java.util.Date(0)).append("b", new de.bwaldvogel.mongo.bson.ObjectId()),
            new Document("a", java.util.UUID.randomUUID()).append("b", false));

    @Test
    void keysAreTheLibrarysForSingleCompoundDottedAndSparseIndexes() {
        List<List<IndexKey>> indexes = List.of(
                List.of(new IndexKey("a", true)),
                List.of(new IndexKey("a", true), new IndexKey("b", false)),
                List.of(new IndexKey("a.b", true)));
        for (List<IndexKey> keys : indexes) {
            for (boolean sparse : new boolean[] {false, true}) {
                PlainKeyUniqueIndex plain = new PlainKeyUniqueIndex("i", keys, sparse);
                MemoryUniqueIndex library = new MemoryUniqueIndex("i", keys, sparse);
                for (Document document : DOCUMENTS) {
                    assertThat(plain.getKeyValues(document)).as("%s on %s", document, keys)
                            .isEqualTo(library.getKeyValues(document));
                }
            }
        }
    }

    @Test
    void onlyPlainFieldsPresentWithoutArraysAreReadDirectly() {
        PlainKeyUniqueIndex compound = new PlainKeyUniqueIndex("i",
                List.of(new IndexKey("a", true), new IndexKey("b", true)), false);
        PlainKeyUniqueIndex dotted = new PlainKeyUniqueIndex("i", List.of(new IndexKey("a.b", true)), false);

        assertThat(compound.plainKey(new Document("a", "x").append("b", 2L))).isNotNull();
        assertThat(compound.plainKey(new Document("a", null).append("b", 2L))).isNotNull();
        assertThat(compound.plainKey(new Document("b", 2L))).as("missing").isNull();
        assertThat(compound.plainKey(new Document("a", List.of(1)).append("b", 2L))).as("array").isNull();
        assertThat(dotted.plainKey(new Document("a.b", 1).append("a", new Document("b", 1)))).as("dotted").isNull();
    }
}
