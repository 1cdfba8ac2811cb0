package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.icegreen.greenmail.util.GreenMail;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.util.concurrent.FastThreadLocalThread;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Talks to each server with the client library the services use, with BlockHound installed as in the services'
 * integration tests, so that the embedded servers are shown not to trip it (see {@link InfraBlockHoundIntegration}).
 */
@WithEmbeddedInfra
class EmbeddedInfrastructureIT {

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @Test
    void blockHoundRejectsBlockingOnNettyEventLoopThreads() throws InterruptedException {
        // Guards the other tests: they only show the servers coexist with BlockHound if it is really installed.
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread eventLoopLike = new FastThreadLocalThread(() -> {
            try {
                LockSupport.parkNanos(1_000);
            } catch (Throwable e) {
                error.set(e);
            }
        });
        eventLoopLike.start();
        eventLoopLike.join(Clients.TIMEOUT.toMillis());
        assertThat(error.get()).isInstanceOf(BlockingOperationError.class);
    }

    @Test
    void kafkaRecordIsProducedAndConsumed(Infrastructure infra) throws Exception {
        String topic = "it-" + UUID.randomUUID();

        Clients.produce(infra.kafkaBootstrapServers(), topic, "room-1", "hello");

        List<ConsumerRecord<String, String>> records = Clients.consume(infra.kafkaBootstrapServers(), topic, 1);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("room-1");
            assertThat(record.value()).isEqualTo("hello");
        });
    }

    @Test
    void redisSetsGetsAndDeliversPublishedMessages(Infrastructure infra) {
        RedisClient client = RedisClient.create(RedisURI.create(infra.redisHost(), infra.redisPort()));
        try (StatefulRedisConnection<String, String> connection = client.connect();
             StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub()) {
            connection.sync().set("presence:alice", "online");
            assertThat(connection.sync().get("presence:alice")).isEqualTo("online");

            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + ":" + message);
                }
            });
            subscriber.sync().subscribe("room:1");
            long receivers = connection.sync().publish("room:1", "typing");

            assertThat(receivers).isEqualTo(1);
            await().atMost(Clients.TIMEOUT).until(() -> received.contains("room:1:typing"));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void mongoDocumentIsInsertedAndFound(Infrastructure infra) {
        try (MongoClient client = MongoClients.create(infra.mongoUri())) {
            MongoCollection<Document> rooms = client.getDatabase("it").getCollection("rooms");
            rooms.insertOne(new Document("_id", "room-1").append("name", "general"));

            Document found = rooms.find(Filters.eq("_id", "room-1")).first();

            assertThat(found).isNotNull();
            assertThat(found.getString("name")).isEqualTo("general");
        }
    }

    @Test
    void mongoAnswersTheHelloCommandThatHealthChecksSend(Infrastructure infra) {
        try (MongoClient client = MongoClients.create(infra.mongoUri())) {
            Document hello = client.getDatabase("health").runCommand(new Document("hello", 1));

            assertThat(hello.get("ok", Number.class).doubleValue()).isEqualTo(1.0);
            assertThat(hello.getInteger("maxWireVersion")).isNotNull();
        }
    }

    @Test
    void mailSentOverSmtpArrivesInGreenMail(Infrastructure infra, GreenMail greenMail) throws Exception {
        String subject = "Verify your address " + UUID.randomUUID();
        Properties properties = new Properties();
        properties.put("mail.smtp.host", infra.smtpHost());
        properties.put("mail.smtp.port", String.valueOf(infra.smtpPort()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("noreply@chat.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@chat.test"));
        message.setSubject(subject);
        message.setText("Your code is 123456");

        Transport.send(message);

        await().atMost(Clients.TIMEOUT).until(() -> List.of(greenMail.getReceivedMessages()).stream()
                .anyMatch(received -> subject.equals(subjectOf(received))));
    }

    @Test
    void springPropertiesAreSetAsSystemProperties(Infrastructure infra) {
        assertThat(infra.springProperties()).containsOnlyKeys(
                "chat.kafka.bootstrap-servers", "spring.data.redis.host", "spring.data.redis.port",
                "spring.mongodb.uri", "spring.mail.host", "spring.mail.port");
        infra.springProperties().forEach((name, value) -> assertThat(System.getProperty(name)).isEqualTo(value));
        assertThat(System.getProperty("chat.kafka.bootstrap-servers")).isEqualTo(infra.kafkaBootstrapServers());
        assertThat(System.getProperty("spring.mongodb.uri")).startsWith("mongodb://127.0.0.1:");
    }

    @Test
    void sharedInfrastructureCannotBeStartedTwice(Infrastructure infra) {
        assertThat(infra).isInstanceOf(EmbeddedInfrastructure.class);
        assertThatThrownBy(((EmbeddedInfrastructure) infra)::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("started once");
    }

    private static String subjectOf(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
