package io.chatplatform.infra;

import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka, MongoDB and Redis in Docker containers via Testcontainers, selected by {@code -Dchat.infra=testcontainers}
 * or {@code CHAT_INFRA=testcontainers}. SMTP stays an in-process GreenMail: there is no mail server image to test
 * against, and tests read the received mails from it.
 *
 * <p>Images can be overridden with {@code -Dchat.infra.kafka-image}, {@code -Dchat.infra.mongodb-image} and
 * {@code -Dchat.infra.redis-image}.
 */
public final class ContainerInfrastructure implements Infrastructure {

    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    static final String MONGODB_IMAGE = "mongo:8.0";
    static final String REDIS_IMAGE = "redis:7.4-alpine";
    private static final int REDIS_PORT = 6379;

    private final KafkaContainer kafka;
    private final MongoDBContainer mongo;
    private final GenericContainer<?> redis;
    private final SmtpServer smtp;
    private boolean closed;

    private ContainerInfrastructure() {
        kafka = new KafkaContainer(image("kafka", KAFKA_IMAGE));
        // A replica set, because change streams and transactions need one.
        mongo = new MongoDBContainer(image("mongodb", MONGODB_IMAGE)).withReplicaSet();
        redis = new GenericContainer<>(image("redis", REDIS_IMAGE)).withExposedPorts(REDIS_PORT);
        smtp = new SmtpServer("127.0.0.1", Ports.resolve("127.0.0.1", Map.of("SMTP", 0)).get("SMTP"));
    }

    /**
     * Starts the containers (in parallel) and GreenMail.
     *
     * @throws IllegalStateException if no Docker engine is reachable
     */
    public static ContainerInfrastructure start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException(MODE_PROPERTY + "=testcontainers needs a Docker engine and none was found; "
                    + "start Docker or run without -D" + MODE_PROPERTY + " / " + MODE_ENVIRONMENT_VARIABLE
                    + " to use the embedded infrastructure");
        }
        ContainerInfrastructure infrastructure = new ContainerInfrastructure();
        try {
            Startables.deepStart(List.<Startable>of(infrastructure.kafka, infrastructure.mongo, infrastructure.redis))
                    .join();
            infrastructure.smtp.start();
        } catch (RuntimeException e) {
            infrastructure.close();
            throw new IllegalStateException("Testcontainers infrastructure failed to start: " + e.getMessage(), e);
        }
        return infrastructure;
    }

    private static DockerImageName image(String name, String defaultImage) {
        return DockerImageName.parse(System.getProperty("chat.infra." + name + "-image", defaultImage))
                .asCompatibleSubstituteFor(DockerImageName.parse(defaultImage).getUnversionedPart());
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String redisHost() {
        return redis.getHost();
    }

    @Override
    public int redisPort() {
        return redis.getMappedPort(REDIS_PORT);
    }

    @Override
    public String mongoUri() {
        return mongo.getConnectionString();
    }

    @Override
    public String smtpHost() {
        return "127.0.0.1";
    }

    @Override
    public int smtpPort() {
        return smtp.port();
    }

    /** The SMTP server, for reading the mails it received. */
    public GreenMail greenMail() {
        return smtp.greenMail();
    }

    @Override
    public Map<String, String> springProperties() {
        return SpringProperties.of(this);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        smtp.close();
        redis.stop();
        mongo.stop();
        kafka.stop();
    }
}
