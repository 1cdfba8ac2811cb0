package io.chatplatform.support.kafka;

import java.time.Instant;

/**
 * Where the broker stored a published record (acknowledged by all in-sync replicas).
 *
 * @param topic     topic
 * @param partition partition
 * @param offset    offset within the partition
 * @param timestamp the record's timestamp
 */
public record RecordPosition(String topic, int partition, long offset, Instant timestamp) {
}
