package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Queries served through the wrapped indexes give the same answers a scan gives, in memory and on a file. */
class MongoWireServerTest {

    @TempDir
    Path data;

    @Test
    void conditionalQueriesAndInListsAnswerAsBeforeInMemory() throws Exception {
        try (Running server = Running.start(null)) {
            checkQueries(server.uri());
        }
    }

    @Test
    void conditionalQueriesAndInListsAnswerAsBeforeOnAFileAlsoAfterReopening() throws Exception {
        Path file = data.resolve("mongo.mv");
        try (Running server = Running.start(file)) {
            checkQueries(server.uri());
        }
        try (Running reopened = Running.start(file);
             MongoClient client = MongoClients.create(reopened.uri())) {
            MongoCollection<Document> messages = client.getDatabase("it").getCollection("messages");
            assertThat(messages.find(Filters.and(Filters.eq("c", "room-2"), Filters.in("s", 8L, 6L, 5L)))
                    .sort(Sorts.ascending("s")).map(d -> d.getLong("s")).into(new ArrayList<>()))
                    .containsExactly(5L, 8L);
        }
    }

    private static void checkQueries(String uri) {
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> messages = client.getDatabase("it").getCollection("messages");
            messages.createIndex(Indexes.ascending("c", "s"), new IndexOptions().unique(true));
            List<Document> rows = new ArrayList<>();
            for (long seq = 1; seq <= 300; seq++) {
                rows.add(new Document("_id", "m" + seq).append("c", "room-" + (seq % 3)).append("s", seq)
                        .append("deleted", seq % 2 == 0));
            }
            messages.insertMany(rows);

            assertThat(messages.find(Filters.and(Filters.eq("_id", "m7"), Filters.eq("deleted", false))).first())
                    .isNotNull();
            assertThat(messages.find(Filters.and(Filters.eq("_id", "m8"), Filters.eq("deleted", false))).first())
                    .isNull();
            assertThat(messages.findOneAndUpdate(Filters.and(Filters.eq("_id", "m9"), Filters.ne("deleted", true)),
                    Updates.set("deleted", true))).isNotNull();
            assertThat(messages.updateOne(Filters.and(Filters.eq("_id", "m9"), Filters.ne("deleted", true)),
                    Updates.set("text", "x")).getModifiedCount()).isZero();

            // room-2 holds seqs 2, 5, 8, ...: an $in list names present and absent seqs alike.
            assertThat(messages.find(Filters.and(Filters.eq("c", "room-2"), Filters.in("s", 8L, 5L, 6L, 2L),
                            Filters.eq("deleted", false)))
                    .sort(Sorts.descending("s")).map(d -> d.getLong("s")).into(new ArrayList<>()))
                    .containsExactly(5L);
            assertThat(messages.countDocuments(Filters.and(Filters.eq("c", "room-2"),
                    Filters.in("s", 2L, 5L, 8L, 11L)))).isEqualTo(4);
            assertThat(messages.deleteMany(Filters.and(Filters.eq("_id", "m11"), Filters.eq("c", "room-0")))
                    .getDeletedCount()).isZero();
            assertThat(messages.deleteMany(Filters.and(Filters.eq("_id", "m11"), Filters.eq("c", "room-2")))
                    .getDeletedCount()).isOne();
        }
    }

    @Test
    void aNonUniqueIndexAnswersAsAScanThroughInsertsUpdatesAndDeletesInMemory() throws Exception {
        try (Running server = Running.start(null); MongoClient client = MongoClients.create(server.uri())) {
            MongoCollection<Document> members = client.getDatabase("it").getCollection("members");
            checkSecondaryIndex(members);
        }
    }

    @Test
    void aNonUniqueIndexIsRebuiltWhenAFileIsReopened() throws Exception {
        Path file = data.resolve("mongo.mv");
        try (Running server = Running.start(file); MongoClient client = MongoClients.create(server.uri())) {
            checkSecondaryIndex(client.getDatabase("it").getCollection("members"));
        }
        try (Running reopened = Running.start(file); MongoClient client = MongoClients.create(reopened.uri())) {
            MongoCollection<Document> members = client.getDatabase("it").getCollection("members");
            assertThat(userIds(members, Filters.eq("c", "room-1"))).containsExactlyInAnyOrder("u1", "u4", "u7", "u10");
            // Removing a document found through the rebuilt index keeps every index consistent.
            assertThat(members.deleteOne(Filters.eq("_id", "room-1:u4")).getDeletedCount()).isOne();
            assertThat(userIds(members, Filters.eq("c", "room-1"))).containsExactlyInAnyOrder("u1", "u7", "u10");
            members.insertOne(new Document("_id", "room-1:u99").append("c", "room-1").append("u", "u99"));
            assertThat(userIds(members, Filters.eq("c", "room-1"))).containsExactlyInAnyOrder("u1", "u7", "u10", "u99");
        }
    }

    /**
     * A unique index is checked and moved by an update that changes its keys, and left alone by one that does not
     * (even when the new value is another number type equal to the old one), in memory and on a file.
     */
    @ParameterizedTest(name = "on a file: {0}")
    @ValueSource(booleans = {false, true})
    void updatesKeepUniqueIndexesRightWhetherTheyChangeTheKeysOrNot(boolean onFile) throws Exception {
        try (Running server = Running.start(onFile ? data.resolve("mongo.mv") : null);
             MongoClient client = MongoClients.create(server.uri())) {
            MongoCollection<Document> messages = client.getDatabase("it").getCollection("messages");
            messages.createIndex(Indexes.ascending("c", "s"), new IndexOptions().unique(true));
            messages.insertMany(List.of(new Document("_id", "m1").append("c", "r").append("s", 1L),
                    new Document("_id", "m2").append("c", "r").append("s", 2L)));

            messages.updateOne(Filters.eq("_id", "m1"), Updates.set("text", "hello"));
            messages.updateOne(Filters.eq("_id", "m1"), Updates.set("s", 1));
            assertThat(bySeq(messages, 1L)).isEqualTo("m1");
            assertThatThrownBy(() -> messages.updateOne(Filters.eq("_id", "m2"), Updates.set("s", 1L)))
                    .isInstanceOf(MongoWriteException.class)
                    .hasMessageContaining("duplicate key");
            assertThat(bySeq(messages, 2L)).isEqualTo("m2");

            messages.updateOne(Filters.eq("_id", "m2"), Updates.set("s", 3L));
            assertThat(bySeq(messages, 3L)).isEqualTo("m2");
            assertThat(bySeq(messages, 2L)).isNull();
            messages.insertOne(new Document("_id", "m3").append("c", "r").append("s", 2L));
            assertThat(bySeq(messages, 2L)).isEqualTo("m3");
            assertThat(messages.find(Filters.eq("_id", "m1")).first().getString("text")).isEqualTo("hello");
        }
    }

    /**
     * Inserts are refused on a duplicate key as MongoDB refuses them: an equal number of another type is the same
     * key, a missing field is a null key (once) unless the index is sparse, and each element of an array is a key.
     */
    @ParameterizedTest(name = "on a file: {0}")
    @ValueSource(booleans = {false, true})
    void insertsRefuseDuplicateKeysOfUniqueIndexesAsMongoDbDoes(boolean onFile) throws Exception {
        try (Running server = Running.start(onFile ? data.resolve("unique.mv") : null);
             MongoClient client = MongoClients.create(server.uri())) {
            MongoCollection<Document> docs = client.getDatabase("it").getCollection("docs");
            docs.createIndex(Indexes.ascending("c", "s"), new IndexOptions().unique(true));
            docs.createIndex(Indexes.ascending("tag"), new IndexOptions().unique(true).sparse(true));
            docs.createIndex(Indexes.ascending("code"), new IndexOptions().unique(true));
            docs.insertOne(new Document("_id", "d1").append("c", "r").append("s", 1L).append("code", "a"));

            for (Document duplicate : List.of(
                    new Document("_id", "d1").append("c", "other").append("code", "z"),
                    new Document("_id", "d2").append("c", "r").append("s", 1).append("code", "b"),
                    new Document("_id", "d3").append("c", "r").append("s", 1.0).append("code", "c"),
                    new Document("_id", "d4").append("c", "q").append("s", 1L).append("code", "a"))) {
                assertThatThrownBy(() -> docs.insertOne(duplicate)).as("%s", duplicate)
                        .isInstanceOf(MongoWriteException.class)
                        .hasMessageContaining("duplicate key");
            }
            docs.insertOne(new Document("_id", "d5").append("c", "r").append("s", 2L).append("code", "e"));
            // Without "tag" twice: the sparse index skips both. Without "code" once: a null key, then a duplicate.
            docs.insertOne(new Document("_id", "d6").append("c", "q").append("s", 1L));
            assertThatThrownBy(() -> docs.insertOne(new Document("_id", "d7").append("c", "q").append("s", 2L)))
                    .hasMessageContaining("duplicate key");
            docs.insertOne(new Document("_id", "d8").append("c", "q").append("s", 3L).append("code", "h")
                    .append("tag", List.of("x", "y")));
            assertThatThrownBy(() -> docs.insertOne(new Document("_id", "d9").append("c", "q").append("s", 4L)
                    .append("code", "i").append("tag", "y")))
                    .hasMessageContaining("duplicate key");
            assertThat(docs.countDocuments()).isEqualTo(4);
            assertThat(bySeq(docs, 2L)).isEqualTo("d5");
        }
    }

    private static String bySeq(MongoCollection<Document> messages, long seq) {
        Document found = messages.find(Filters.and(Filters.eq("c", "r"), Filters.eq("s", seq))).first();
        return found == null ? null : found.getString("_id");
    }

    /**
     * Writes are stored once: the server keeps no oplog (an uncapped second copy of every write that nothing reads,
     * since the platform watches no change stream), in memory or on a file.
     */
    @ParameterizedTest(name = "on a file: {0}")
    @ValueSource(booleans = {false, true})
    void writesLeaveNoOplogBehind(boolean onFile) throws Exception {
        try (Running server = Running.start(onFile ? data.resolve("mongo.mv") : null);
             MongoClient client = MongoClients.create(server.uri())) {
            MongoCollection<Document> messages = client.getDatabase("it").getCollection("messages");
            for (int i = 0; i < 50; i++) {
                messages.insertOne(new Document("_id", "m" + i).append("n", i));
            }
            messages.updateMany(Filters.lt("n", 10), Updates.set("edited", true));
            messages.deleteMany(Filters.gte("n", 40));

            assertThat(messages.countDocuments()).isEqualTo(40);
            assertThat(client.getDatabase("local").getCollection("oplog.rs").countDocuments())
                    .as("oplog entries after 50 inserts, 10 updates and 10 deletes (%s)",
                            onFile ? "file" : "memory")
                    .isZero();
        }
    }

    /** Every answer below is what a scan gives; the index only makes the candidates fewer. */
    private static void checkSecondaryIndex(MongoCollection<Document> members) {
        // Created first, so that the index by room below is chosen for queries naming a room only by being cheaper.
        members.createIndex(Indexes.ascending("u"));
        members.createIndex(Indexes.ascending("c", "u"));
        members.createIndex(Indexes.ascending("tags"));
        List<Document> rows = new ArrayList<>();
        for (int user = 0; user < 12; user++) {
            rows.add(new Document("_id", "room-" + (user % 3) + ":u" + user).append("c", "room-" + (user % 3))
                    .append("u", "u" + user).append("removed", user == 7 ? null : user == 5)
                    .append("tags", user % 2 == 0 ? List.of("even", "t" + user) : List.of("odd")));
        }
        rows.add(new Document("_id", "orphan").append("u", "nobody"));
        members.insertMany(rows);

        assertThat(userIds(members, Filters.eq("c", "room-2"))).containsExactlyInAnyOrder("u2", "u5", "u8", "u11");
        assertThat(userIds(members, Filters.and(Filters.eq("c", "room-2"), Filters.gt("u", "u3"),
                Filters.ne("removed", true)))).containsExactlyInAnyOrder("u8");
        assertThat(userIds(members, Filters.in("c", "room-0", "room-1"))).containsExactlyInAnyOrder(
                "u0", "u1", "u10", "u3", "u4", "u6", "u7", "u9");
        assertThat(userIds(members, Filters.eq("tags", "even"))).containsExactlyInAnyOrder("u0", "u10", "u2", "u4", "u6", "u8");
        assertThat(userIds(members, Filters.and(Filters.in("c", "room-2"),
                Filters.in("u", "u1", "u2", "u3", "u5", "u8", "nobody"), Filters.ne("removed", true))))
                .containsExactlyInAnyOrder("u2", "u8");
        assertThat(userIds(members, Filters.eq("c", "room-9"))).isEmpty();
        assertThat(userIds(members, Filters.exists("c", false))).containsExactlyInAnyOrder("nobody");

        // An update that changes the indexed value moves the document; one that does not leaves it.
        members.updateOne(Filters.eq("_id", "room-2:u2"), Updates.set("c", "room-1"));
        members.updateOne(Filters.eq("_id", "room-2:u5"), Updates.set("removed", true));
        members.updateOne(Filters.eq("_id", "room-0:u6"), Updates.set("tags", List.of("odd")));
        assertThat(userIds(members, Filters.eq("c", "room-2"))).containsExactlyInAnyOrder("u11", "u5", "u8");
        assertThat(userIds(members, Filters.eq("c", "room-1"))).containsExactlyInAnyOrder("u1", "u10", "u2", "u4", "u7");
        assertThat(userIds(members, Filters.eq("tags", "even"))).containsExactlyInAnyOrder("u0", "u10", "u2", "u4", "u8");
        assertThat(userIds(members, Filters.and(Filters.eq("c", "room-2"), Filters.ne("removed", true))))
                .containsExactlyInAnyOrder("u11", "u8");

        assertThat(members.deleteMany(Filters.eq("c", "room-1")).getDeletedCount()).isEqualTo(5);
        members.insertMany(List.of(
                new Document("_id", "room-1:u1").append("c", "room-1").append("u", "u1"),
                new Document("_id", "room-1:u4").append("c", "room-1").append("u", "u4"),
                new Document("_id", "room-1:u7").append("c", "room-1").append("u", "u7"),
                new Document("_id", "room-1:u10").append("c", "room-1").append("u", "u10")));
        assertThat(members.countDocuments(Filters.eq("c", "room-1"))).isEqualTo(4);
        assertThat(members.countDocuments()).isEqualTo(12);
    }

    private static List<String> userIds(MongoCollection<Document> members, org.bson.conversions.Bson filter) {
        return members.find(filter).map(d -> d.getString("u")).into(new ArrayList<>());
    }

    private record Running(MongoWireServer server, int port) implements AutoCloseable {

        static Running start(Path file) throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            MongoWireServer server = new MongoWireServer("127.0.0.1", port, file);
            server.start();
            return new Running(server, port);
        }

        String uri() {
            return "mongodb://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
