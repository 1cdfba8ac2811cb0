package io.chatplatform.support.kafka;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kafka client settings under {@code chat.kafka}; defaults work against a local single broker.
 *
 * @param bootstrapServers    comma-separated {@code host:port} list ({@code CHAT_KAFKA_BOOTSTRAP_SERVERS})
 * @param clientId            prefix of Kafka {@code client.id}, shows up in broker logs and metrics
 * @param deliveryTimeout     upper bound for a send to be acknowledged, retries included; after it the send fails
 * @param requestTimeout      one produce request's timeout; must fit in {@code deliveryTimeout} with {@code linger}
 * @param linger              how long the producer waits to batch records
 * @param maxBlock            how long a send may wait for metadata (broker unreachable) before it fails
 * @param commitInterval      how often acknowledged consumer offsets are committed
 * @param handlerRetries      retries of a failing consumer handler for one record before the stream stops
 * @param handlerRetryBackoff first backoff between handler retries (doubles each time)
 * @param closeTimeout        how long closing a producer or consumer may take at shutdown
 * @param producer            extra producer properties (Kafka names), applied last
 * @param consumer            extra consumer properties (Kafka names), applied last
 */
@Validated
@ConfigurationProperties("chat.kafka")
public record KafkaProperties(
        @DefaultValue("127.0.0.1:9092") @NotBlank String bootstrapServers,
        @DefaultValue("chat-platform") @NotBlank String clientId,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration deliveryTimeout,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration requestTimeout,
        @DefaultValue("5ms") @NotNull Duration linger,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration maxBlock,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration commitInterval,
        @DefaultValue("3") @Min(0) @Max(100) int handlerRetries,
        @DefaultValue("200ms") @NotNull @DurationMin(millis = 1) Duration handlerRetryBackoff,
        @DefaultValue("10s") @NotNull Duration closeTimeout,
        Map<String, String> producer,
        Map<String, String> consumer) {

    public KafkaProperties {
        producer = producer == null ? Map.of() : Map.copyOf(producer);
        consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
    }

    /** The defaults above with another bootstrap address; for tests and tools that build clients by hand. */
    public static KafkaProperties defaults(String bootstrapServers) {
        return new KafkaProperties(bootstrapServers, "chat-platform", Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofMillis(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 3, Duration.ofMillis(200),
                Duration.ofSeconds(10), Map.of(), Map.of());
    }

    /** A copy with other handler retry settings. */
    public KafkaProperties withHandlerRetries(int retries, Duration backoff) {
        return new KafkaProperties(bootstrapServers, clientId, deliveryTimeout, requestTimeout, linger, maxBlock,
                commitInterval, retries, backoff, closeTimeout, producer, consumer);
    }

    /** Kafka refuses to start a producer whose delivery timeout cannot hold one request plus linger. */
    @AssertTrue(message = "delivery-timeout must be at least request-timeout + linger")
    public boolean isDeliveryTimeoutConsistent() {
        return deliveryTimeout == null || requestTimeout == null || linger == null
                || deliveryTimeout.compareTo(requestTimeout.plus(linger)) >= 0;
    }
}
