package io.chatplatform.support.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code chat.events.published} counter ({@code chat_events_published_total} in Prometheus): records and messages
 * a service published, by transport ({@code kafka}, {@code redis}) and destination (the Kafka topic, or the Redis
 * channel's kind: {@code user} for every {@code user:{id}} channel, so the tag stays low-cardinality).
 */
public final class PublishedEvents {

    /** Counts nothing: for a publisher built without a registry (tests, tools). */
    public static final PublishedEvents NONE = new PublishedEvents(null, null);

    private final MeterRegistry registry;
    private final String transport;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private PublishedEvents(MeterRegistry registry, String transport) {
        this.registry = registry;
        this.transport = transport;
    }

    /** Counters for one transport in {@code registry}; {@link #NONE} when the registry is null. */
    public static PublishedEvents of(MeterRegistry registry, String transport) {
        return registry == null ? NONE : new PublishedEvents(registry, transport);
    }

    /** One record or message published to {@code destination}. */
    public void published(String destination) {
        if (registry == null) {
            return;
        }
        counters.computeIfAbsent(destination, this::counter).increment();
    }

    private Counter counter(String destination) {
        return Counter.builder("chat.events.published")
                .description("Records and messages published, by transport and destination")
                .tag("transport", transport)
                .tag("destination", destination)
                .register(registry);
    }

    /** A Redis channel's kind: the part before the first ':' ({@code user:42} is {@code user}). */
    public static String channelKind(String channel) {
        int colon = channel.indexOf(':');
        return colon < 0 ? channel : channel.substring(0, colon);
    }
}
