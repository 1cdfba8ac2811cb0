package io.chatplatform.support.kafka;

import java.util.List;
import java.util.Objects;

/**
 * What to consume: a consumer group, its topics, where a group without committed offsets starts, and how many of a
 * partition's records are handled at once.
 *
 * @param groupId         consumer group; instances sharing it split the partitions between them
 * @param topics          topics to subscribe to, at least one
 * @param autoOffsetReset start position when the group has no committed offset for a partition
 * @param keyLanes        1: a partition's records one at a time, in offset order. More: in that many lanes by key,
 *                        side by side, each key's records still one at a time in offset order (see
 *                        {@link KafkaSubscriber}); for handlers whose order only matters per key and whose time goes
 *                        to waiting on round trips. Only with {@link OffsetReset#EARLIEST}
 */
public record ConsumerSpec(String groupId, List<String> topics, OffsetReset autoOffsetReset, int keyLanes) {

    /** The most lanes a partition's records may be spread over. */
    public static final int MAX_KEY_LANES = 64;

    public ConsumerSpec(String groupId, List<String> topics, OffsetReset autoOffsetReset) {
        this(groupId, topics, autoOffsetReset, 1);
    }

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
        if (keyLanes < 1 || keyLanes > MAX_KEY_LANES) {
            throw new IllegalArgumentException("keyLanes must be from 1 to " + MAX_KEY_LANES);
        }
        // A newest-offset stream keeps its own position per partition, which records handled out of order would
        // move past records not handled yet.
        if (keyLanes > 1 && autoOffsetReset == OffsetReset.LATEST) {
            throw new IllegalArgumentException("keyLanes above 1 need a group that starts at the earliest offset");
        }
    }

    /** The same spec with a partition's records handled in {@code lanes} lanes by key. */
    public ConsumerSpec withKeyLanes(int lanes) {
        return new ConsumerSpec(groupId, topics, autoOffsetReset, lanes);
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
