package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What standalone relies on: data kept across restarts, and a failed start that leaves nothing running. */
class EmbeddedInfrastructureLifecycleIT {

    @Test
    void dataInTheDataDirectorySurvivesARestart(@TempDir Path dataDirectory) throws Exception {
        try (EmbeddedInfrastructure first = EmbeddedInfrastructure.builder().dataDirectory(dataDirectory).build()) {
            first.start();
            Clients.produce(first.kafkaBootstrapServers(), "restart-check", "k", "kept");
            withRedis(first, redis -> redis.sync().set("restart-check", "kept"));
            withMongo(first, docs -> docs.insertOne(new Document("_id", "restart-check").append("v", "kept")));
        }
        assertThat(dataDirectory.resolve("mongo.mv")).isRegularFile();

        // New free ports on purpose: a data directory must not tie the next run to the old ones.
        try (EmbeddedInfrastructure second = EmbeddedInfrastructure.builder().dataDirectory(dataDirectory).build()) {
            second.start();
            assertThat(Clients.consume(second.kafkaBootstrapServers(), "restart-check", 1))
                    .singleElement()
                    .satisfies(record -> assertThat(record.value()).isEqualTo("kept"));
            withRedis(second, redis -> assertThat(redis.sync().get("restart-check")).isEqualTo("kept"));
            withMongo(second, docs -> assertThat(docs.find(new Document("_id", "restart-check")).first())
                    .containsEntry("v", "kept"));
        }
    }

    @Test
    void mongoInMemoryKeepsMongoDbOutOfTheDataDirectoryAndTheOthersIn(@TempDir Path dataDirectory) throws Exception {
        try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.builder().dataDirectory(dataDirectory)
                .mongoInMemory(true).build()) {
            infra.start();
            withMongo(infra, docs -> docs.insertOne(new Document("_id", "memory-check")));
            withMongo(infra, docs -> assertThat(docs.countDocuments()).isEqualTo(1));
        }
        assertThat(dataDirectory.resolve("mongo.mv")).doesNotExist();
        assertThat(dataDirectory.resolve("kafka")).isDirectory();
    }

    @Test
    void aServerThatFailsToStartStopsTheOthers(@TempDir Path dataDirectory) throws Exception {
        // H2 cannot open a directory as its store file, so MongoDB fails while the others start next to it.
        Files.createDirectories(dataDirectory.resolve("mongo.mv"));
        Map<String, Integer> ports = Ports.resolve("127.0.0.1",
                Map.of("kafka", 0, "controller", 0, "redis", 0, "mongo", 0, "smtp", 0));
        EmbeddedInfrastructure infra = EmbeddedInfrastructure.builder()
                .dataDirectory(dataDirectory)
                .kafkaPort(ports.get("kafka"))
                .kafkaControllerPort(ports.get("controller"))
                .redisPort(ports.get("redis"))
                .mongoPort(ports.get("mongo"))
                .smtpPort(ports.get("smtp"))
                .build();

        assertThatThrownBy(infra::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("MongoDB failed to start");

        InetAddress localhost = InetAddress.getByName("127.0.0.1");
        ports.forEach((server, port) ->
                assertThat(Ports.isFree(localhost, port)).as("%s port %d is free again", server, port).isTrue());
    }

    private static void withRedis(Infrastructure infra, Consumer<StatefulRedisConnection<String, String>> use) {
        RedisClient client = RedisClient.create(RedisURI.create(infra.redisHost(), infra.redisPort()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            use.accept(connection);
        } finally {
            client.shutdown();
        }
    }

    private static void withMongo(Infrastructure infra, Consumer<MongoCollection<Document>> use) {
        try (MongoClient client = MongoClients.create(infra.mongoUri())) {
            use.accept(client.getDatabase("it").getCollection("restart"));
        }
    }
}
