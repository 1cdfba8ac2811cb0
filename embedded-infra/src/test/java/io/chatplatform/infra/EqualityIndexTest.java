package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.junit.jupiter.api.Test;

/** Which queries the non-unique index serves, and which documents it offers as candidates. */
class EqualityIndexTest {

    private final EqualityIndex<Integer> byRoom = new EqualityIndex<>("room_user",
            List.of(new IndexKey("c", true), new IndexKey("u", true)), false);

    @Test
    void equalityAndInListsOnTheFirstKeyAreServedWithTheDocumentsHavingThoseValues() {
        byRoom.add(new Document("_id", "a").append("c", "room-1").append("u", "u1"), 1, null);
        byRoom.add(new Document("_id", "b").append("c", "room-2").append("u", "u2"), 2, null);
        byRoom.add(new Document("_id", "c").append("c", "room-1").append("u", "u3"), 3, null);
        byRoom.add(new Document("_id", "d").append("u", "u4"), 4, null);

        Document members = new Document("c", "room-1").append("u", new Document("$gt", "u0"))
                .append("removed", new Document("$ne", true));
        assertThat(byRoom.canHandle(members)).isTrue();
        assertThat(byRoom.getPositions(members)).containsExactlyInAnyOrder(1, 3);
        assertThat(byRoom.getPositions(new Document("c", new Document("$in", List.of("room-2", "room-9")))))
                .containsExactly(2);
        assertThat(byRoom.getCount()).isEqualTo(4);
    }

    @Test
    void numbersEqualForTheMatcherAreOneValueAndRemovalReturnsThePosition() {
        EqualityIndex<Integer> bySize = new EqualityIndex<>("size", List.of(new IndexKey("n", true)), false);
        bySize.add(new Document("_id", 1).append("n", 3), 7, null);

        assertThat(bySize.getPositions(new Document("n", 3L))).containsExactly(7);
        assertThat(bySize.getPositions(new Document("n", 3.0))).containsExactly(7);
        assertThat(bySize.remove(new Document("_id", 1).append("n", 3))).isEqualTo(7);
        assertThat(bySize.getPositions(new Document("n", 3))).isEmpty();
    }

    @Test
    void stringsBooleansAndIdsAreTheirOwnKeysAndNeverMeetNumbersOrDocuments() {
        ObjectId id = new ObjectId();
        UUID uuid = UUID.randomUUID();
        for (Object plain : List.of("room-1", true, id, uuid)) {
            assertThat(EqualityIndex.normalized(plain)).isSameAs(plain);
        }
        assertThat(EqualityIndex.normalized(3)).isEqualTo(EqualityIndex.normalized(3.0)).isInstanceOf(KeyValue.class);

        EqualityIndex<Integer> byValue = new EqualityIndex<>("v", List.of(new IndexKey("v", true)), false);
        byValue.add(new Document("_id", id).append("v", "1"), 1, null);
        byValue.add(new Document("_id", uuid).append("v", 1), 2, null);
        byValue.add(new Document("_id", "x").append("v", List.of("1", true)), 3, null);
        byValue.add(new Document("_id", "y").append("v", new Document("k", "1")), 4, null);

        assertThat(byValue.getPositions(new Document("v", "1"))).containsExactlyInAnyOrder(1, 3);
        assertThat(byValue.getPositions(new Document("v", 1L))).containsExactly(2);
        assertThat(byValue.getPositions(new Document("v", true))).containsExactly(3);
        assertThat(byValue.remove(new Document("_id", id).append("v", "1"))).isEqualTo(1);
        assertThat(byValue.remove(new Document("_id", uuid).append("v", 1))).isEqualTo(2);
        assertThat(byValue.getPositions(new Document("v", "1"))).containsExactly(3);
    }

    @Test
    void rangesOtherKeysAndNullsAreNotServed() {
        assertThat(byRoom.canHandle(new Document("c", new Document("$gt", "room")))).isFalse();
        assertThat(byRoom.canHandle(new Document("u", "u1"))).isFalse();
        assertThat(byRoom.canHandle(new Document("c", null))).isFalse();
    }
}
