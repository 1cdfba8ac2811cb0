package io.chatplatform.support.kafka;

import java.time.Instant;
import java.util.Map;

/**
 * A consumed record, detached from any client library.
 *
 * @param topic     source topic
 * @param partition source partition
 * @param offset    offset within the partition
 * @param key       key, may be {@code null}
 * @param value     payload bytes, may be {@code null} for tombstones
 * @param headers   headers decoded as UTF-8; when a header repeats, the last value wins
 * @param timestamp the record's timestamp as set by the producer or broker
 */
public record InboundRecord(
        String topic,
        int partition,
        long offset,
        String key,
        byte[] value,
        Map<String, String> headers,
        Instant timestamp) {

    public InboundRecord {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
