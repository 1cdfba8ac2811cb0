package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

/** The index that hands out the fewest documents serves a query, whatever the order the indexes were created in. */
class CheapestIndexTest {

    private final EqualityIndex<Integer> byUser = new EqualityIndex<>("by_user",
            List.of(new IndexKey("u", true)), false);
    private final EqualityIndex<Integer> byRoom = new EqualityIndex<>("by_room",
            List.of(new IndexKey("c", true), new IndexKey("u", true)), false);
    private final NarrowingIndex<Integer> byId = new NarrowingIndex<>(
            new PlainKeyUniqueIndex("_id_", List.of(new IndexKey("_id", true)), false), false);

    /** 50 users, each a member of 40 rooms: 2,000 memberships. */
    CheapestIndexTest() {
        int position = 0;
        for (int user = 0; user < 50; user++) {
            for (int room = 0; room < 40; room++) {
                Document membership = new Document("_id", "r" + room + ":u" + user).append("c", "r" + room)
                        .append("u", "u" + user);
                byUser.add(membership, position, null);
                byRoom.add(membership, position, null);
                byId.add(membership, position, null);
                position++;
            }
        }
    }

    @Test
    void theIndexWithTheFewestCandidatesServesTheQueryNotTheFirstCreated() {
        List<Object> users = new ArrayList<>();
        for (int user = 0; user < 50; user++) {
            users.add("u" + user);
        }
        Document roomAmongUsers = new Document("c", new Document("$in", List.of("r7")))
                .append("u", new Document("$in", users))
                .append("removed", new Document("$ne", true));

        // Both can serve it: by user with 50 x 40 candidates, by room with 50.
        assertThat(byUser.candidates(roomAmongUsers, Long.MAX_VALUE)).isEqualTo(2_000);
        assertThat(byRoom.candidates(roomAmongUsers, Long.MAX_VALUE)).isEqualTo(50);
        // Counting stops once past the bound: 40 per user, so the second user's memberships pass 49.
        assertThat(byUser.candidates(roomAmongUsers, 49)).isEqualTo(80);
        assertThat(CheapestIndex.<Integer>of(List.of(byUser, byRoom), roomAmongUsers)).isSameAs(byRoom);
        assertThat(CheapestIndex.<Integer>of(List.of(byRoom, byUser), roomAmongUsers)).isSameAs(byRoom);

        Document oneUser = new Document("u", "u3").append("c", new Document("$in", List.of("r1", "r2", "r3")));
        assertThat(CheapestIndex.<Integer>of(List.of(byRoom, byUser), oneUser)).isSameAs(byUser);
    }

    @Test
    void anExactLookupOfAUniqueKeyBeatsAnyNonUniqueIndex() {
        Document byIdAndRoom = new Document("_id", "r7:u3").append("c", "r7");
        assertThat(byId.candidates(byIdAndRoom, Long.MAX_VALUE)).isEqualTo(1);
        assertThat(CheapestIndex.<Integer>of(List.of(byRoom, byId), byIdAndRoom)).isSameAs(byId);
    }

    @Test
    void noIndexThatCanServeTheQueryMeansAScanAndAnIndexThatCannotCountComesLast() {
        assertThat(CheapestIndex.<Integer>of(List.of(byUser, byRoom), new Document("removed", true))).isNull();

        Index<Integer> uncounted = new EqualityIndex<>("uncounted", List.of(new IndexKey("c", true)), false);
        Document room = new Document("c", "r7");
        List<Index<Integer>> indexes = List.of(wrapWithoutEstimate(uncounted), byRoom);
        assertThat(CheapestIndex.of(indexes, room)).isSameAs(byRoom);
        List<Index<Integer>> onlyUncounted = List.of(wrapWithoutEstimate(uncounted));
        assertThat(CheapestIndex.of(onlyUncounted, room)).isSameAs(onlyUncounted.get(0));
    }

    /** An index that serves what {@code index} serves, without saying how many documents it hands out. */
    private static Index<Integer> wrapWithoutEstimate(Index<Integer> index) {
        return new Index<>(index.getName(), index.getKeys(), false) {
            @Override
            public boolean canHandle(Document query) {
                return index.canHandle(query);
            }

            @Override
            public Iterable<Integer> getPositions(Document query) {
                return index.getPositions(query);
            }

            @Override
            public Integer getPosition(Document document) {
                return null;
            }

            @Override
            public void checkAdd(Document document, de.bwaldvogel.mongo.MongoCollection<Integer> collection) {
            }

            @Override
            public void add(Document document, Integer position,
                            de.bwaldvogel.mongo.MongoCollection<Integer> collection) {
            }

            @Override
            public Integer remove(Document document) {
                return null;
            }

            @Override
            public long getCount() {
                return 0;
            }

            @Override
            public long getDataSize() {
                return 0;
            }

            @Override
            public void checkUpdate(Document oldDocument, Document newDocument,
                                    de.bwaldvogel.mongo.MongoCollection<Integer> collection) {
            }

            @Override
            public void updateInPlace(Document oldDocument, Document newDocument, Integer position,
                                      de.bwaldvogel.mongo.MongoCollection<Integer> collection) {
            }

            @Override
            public void drop() {
            }
        };
    }
}
