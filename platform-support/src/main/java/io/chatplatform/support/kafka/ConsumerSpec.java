package io.chatplatform.support.kafka;

import java.util.List;
import java.util.Objects;

/**
 * What to consume: a consumer group, its topics and where a group without committed offsets starts.
 *
 * @param groupId         consumer group; instances sharing it split the partitions between them
 * @param topics          topics to subscribe to, at least one
 * @param autoOffsetReset start position when the group has no committed offset for a partition
 */
public record ConsumerSpec(String groupId, List<String> topics, OffsetReset autoOffsetReset) {

    public ConsumerSpec {
        Objects.requireNonNull(groupId, "groupId");
        if (groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be blank");
        }
        topics = List.copyOf(topics);
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("at least one topic is required");
        }
        autoOffsetReset = autoOffsetReset == null ? OffsetReset.EARLIEST : autoOffsetReset;
    }

    /** A spec that reads a new group's partitions from the beginning, so nothing published before is missed. */
    public static ConsumerSpec of(String groupId, String... topics) {
        return new ConsumerSpec(groupId, List.of(topics), OffsetReset.EARLIEST);
    }

    /** Kafka's {@code auto.offset.reset}. */
    public enum OffsetReset {
        /** Start at the oldest retained record. */
        EARLIEST,
        /**
         * Start at the end: only records published after the group joined. A consume stream keeps its own position
         * in each partition from then on, so a partition assigned to it again (the group rejoins after a broker
         * restart, the stream is resubscribed after a failure) continues where it was, even where no record was
         * committed yet, rather than jumping to the end and skipping what was published meanwhile.
         */
        LATEST;

        /** The value Kafka's consumer configuration expects. */
        public String configValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
