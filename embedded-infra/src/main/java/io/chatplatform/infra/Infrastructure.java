package io.chatplatform.infra;

import java.util.Locale;
import java.util.Map;

/** Running Kafka, Redis, MongoDB and SMTP endpoints that services can be pointed at. */
public interface Infrastructure extends AutoCloseable {

    /** System property that selects the implementation: {@code embedded} (default) or {@code testcontainers}. */
    String MODE_PROPERTY = "chat.infra";

    /** Environment variable read when {@link #MODE_PROPERTY} is not set. */
    String MODE_ENVIRONMENT_VARIABLE = "CHAT_INFRA";

    /** Kafka bootstrap servers, {@code "127.0.0.1:PORT"}. */
    String kafkaBootstrapServers();

    /** Host that Redis listens on. */
    String redisHost();

    /** Port that Redis listens on. */
    int redisPort();

    /** MongoDB connection string, {@code "mongodb://127.0.0.1:PORT"}. */
    String mongoUri();

    /** Host that the SMTP server listens on. */
    String smtpHost();

    /** Port that the SMTP server listens on. */
    int smtpPort();

    /** Spring Boot properties that point a service at this infrastructure. */
    Map<String, String> springProperties();

    /** Stops everything; calling it again does nothing. */
    @Override
    void close();

    /**
     * Starts the implementation chosen by {@code -Dchat.infra} or {@code CHAT_INFRA}: {@code embedded} (the default,
     * everything in memory) or {@code testcontainers} (needs a Docker engine).
     */
    static Infrastructure startSelected() {
        String mode = System.getProperty(MODE_PROPERTY, System.getenv(MODE_ENVIRONMENT_VARIABLE));
        String normalized = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "", "embedded" -> EmbeddedInfrastructure.builder().build().start();
            case "testcontainers" -> ContainerInfrastructure.start();
            default -> throw new IllegalArgumentException(
                    "Unknown " + MODE_PROPERTY + "=" + mode + "; use 'embedded' or 'testcontainers'");
        };
    }
}
