package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

/** Hashed {@code $in} lists answer exactly as mongo-java-server's matcher, and spare it the walk of the list. */
class StringInListsTest {

    private final DefaultQueryMatcher server = new DefaultQueryMatcher();
    private final AtomicInteger serverCalls = new AtomicInteger();
    private final StringInLists matcher = new StringInLists((document, query) -> {
        serverCalls.incrementAndGet();
        return server.matches(document, query);
    });

    private static List<Object> users(int count) {
        List<Object> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            users.add("u" + i);
        }
        return users;
    }

    @Test
    void answersAsTheServerForEveryKindOfValueAndQuery() {
        List<Document> documents = List.of(
                new Document("_id", 1).append("c", "r1").append("u", "u3"),
                new Document("_id", 2).append("c", "r1").append("u", "u30"),
                new Document("_id", 3).append("c", "r2").append("u", "u4").append("removed", true),
                new Document("_id", 4).append("c", "r1").append("u", List.of("u5", "x")),
                new Document("_id", 5).append("c", "r1"),
                new Document("_id", 6).append("c", "r1").append("u", null),
                new Document("_id", 7).append("c", "r1").append("u", 3),
                new Document("_id", 8).append("c", "r1").append("u", new Document("nested", "u3")));
        List<Object> withNumber = new ArrayList<>(users(10));
        withNumber.add(3);
        List<Document> queries = List.of(
                new Document("u", new Document("$in", users(10))),
                new Document("u", new Document("$in", users(10))).append("c", "r1"),
                new Document("u", new Document("$in", users(10))).append("removed", new Document("$ne", true)),
                new Document("c", new Document("$in", List.of("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8")))
                        .append("u", new Document("$in", users(10))),
                new Document("u", new Document("$in", withNumber)),
                new Document("u", new Document("$in", List.of("u3", "u4"))),
                new Document("u", new Document("$nin", users(10))),
                new Document("u.nested", new Document("$in", users(10))),
                new Document("u", new Document("$in", users(10)).append("$ne", "u4")),
                new Document("$or", List.of(new Document("u", new Document("$in", users(10))))));
        for (Document query : queries) {
            for (Document document : documents) {
                assertThat(matcher.matches(document, query))
                        .as("%s against %s", query, document)
                        .isEqualTo(server.matches(document, query));
            }
        }
    }

    @Test
    void aStringValueIsLookedUpAndOnlyTheRestOfTheQueryGoesToTheServer() {
        Document query = new Document("c", "r1").append("u", new Document("$in", users(1_000)));
        Document member = new Document("_id", 1).append("c", "r1").append("u", "u999");
        Document stranger = new Document("_id", 2).append("c", "r1").append("u", "someone");

        assertThat(matcher.matches(member, query)).isTrue();
        assertThat(matcher.matches(stranger, query)).isFalse();
        assertThat(serverCalls).as("the stranger is refused without the server").hasValue(1);

        Document onlyIn = new Document("u", new Document("$in", users(1_000)));
        assertThat(matcher.matches(member, onlyIn)).isTrue();
        assertThat(serverCalls).hasValue(1);
    }
}
