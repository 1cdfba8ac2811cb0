package io.chatplatform.support.kafka;

import io.chatplatform.contracts.Topics;
import java.util.Map;
import java.util.Objects;

/**
 * A topic to create if missing.
 *
 * @param name              topic name
 * @param partitions        partition count, at least 1
 * @param replicationFactor replicas per partition, at least 1 (1 on a laptop, 3 in production)
 * @param config            topic-level configuration such as {@code retention.ms}
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> config) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replicationFactor must be at least 1");
        }
        config = config == null ? Map.of() : Map.copyOf(config);
    }

    /**
     * One of the platform's topics ({@link Topics}) as every service creates it when missing: the partition count
     * from {@link Topics#partitions}, so it does not depend on which service started first, one replica (a cluster's
     * broker creates its own topics with its own settings), no extra configuration.
     */
    public static TopicSpec platformTopic(String name) {
        return of(name, Topics.partitions(name), 1);
    }

    /** A topic without extra configuration. */
    public static TopicSpec of(String name, int partitions, int replicationFactor) {
        return new TopicSpec(name, partitions, (short) replicationFactor, Map.of());
    }
}
