package io.chatplatform.support.kafka;

import java.util.Map;
import java.util.Objects;

/**
 * A record to publish; the key picks the partition, so records with one key (a room id) keep their order.
 *
 * @param topic   destination topic
 * @param key     partitioning key, may be {@code null} (then Kafka spreads records and order is not kept)
 * @param value   payload bytes (a protobuf envelope), never {@code null}
 * @param headers string headers (trace context, event type), UTF-8 on the wire
 */
public record OutboundRecord(String topic, String key, byte[] value, Map<String, String> headers) {

    public OutboundRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** A record without headers. */
    public static OutboundRecord of(String topic, String key, byte[] value) {
        return new OutboundRecord(topic, key, value, Map.of());
    }
}
