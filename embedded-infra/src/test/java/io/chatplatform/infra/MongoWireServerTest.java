package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
