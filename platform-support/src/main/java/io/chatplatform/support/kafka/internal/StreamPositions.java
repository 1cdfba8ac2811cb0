package io.chatplatform.support.kafka.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.kafka.receiver.ReceiverPartition;

/**
 * How far one consume stream of a group that starts at the newest offset has got in each partition, so that being
 * assigned a partition again continues there.
 *
 * <p>Such a group commits only the offsets of records it handled. A partition it was assigned but got no record from
 * has no committed offset, and Kafka places it at the newest offset again on every new assignment: after a broker
 * restart the consumer rejoins the group, and whatever was published between the broker's return and the rejoin was
 * skipped (a room's messages relayed from the outbox the moment Kafka came back never reached live delivery). The
 * same held for a stream resubscribed after a failure. So the position a partition had at its first assignment is
 * kept, raised past every record handled, and sought to whenever the partition is assigned again. The groups that
 * start at the newest offset are each one process's own (see {@code TopicListener}), so no other member moves them.
 */
final class StreamPositions {

    private static final Logger log = LoggerFactory.getLogger(StreamPositions.class);

    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();

    /** The assign listener: runs on the consumer's thread, inside its poll. */
    void assigned(Collection<ReceiverPartition> partitions) {
        for (ReceiverPartition partition : partitions) {
            TopicPartition topicPartition = partition.topicPartition();
            Long known = next.get(topicPartition);
            if (known != null) {
                partition.seek(known);
                continue;
            }
            try {
                // Resolves the newest offset now, while nothing this stream handled depends on it yet.
                next.merge(topicPartition, partition.position(), Math::max);
            } catch (KafkaException e) {
                // Left to Kafka's reset, as before; the next assignment tries again.
                log.debug("Could not read the position of {}: {}", topicPartition, e.toString());
            }
        }
    }

    /** A record was handled: the partition continues after it. */
    void handled(TopicPartition partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
    }
}
