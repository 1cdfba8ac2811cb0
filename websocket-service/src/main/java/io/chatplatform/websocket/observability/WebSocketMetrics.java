package io.chatplatform.websocket.observability;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.events.EventEnvelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.springframework.stereotype.Component;

/**
 * websocket-service's meters:
 * <ul>
 *   <li>{@code chat.websocket.connections} (gauge): authenticated connections open on this instance;</li>
 *   <li>{@code chat.websocket.deliveries} (counter, tag {@code source} = {@code redis} for DMs, {@code kafka} for
 *       rooms): event frames queued to connections, one per connection;</li>
 *   <li>{@code chat.websocket.delivery.latency} (timer with a histogram, same tag): from the event's
 *       {@code occurred_at} (when chat-service stored it) to its frame being queued here, once per event and
 *       instance;</li>
 *   <li>{@code chat.websocket.resumes} (counter, tag {@code outcome} = {@code done} or {@code limited});</li>
 *   <li>{@code chat.websocket.slow.reader.drops} (counter): connections closed with 1013 because their outbound
 *       queue was full.</li>
 * </ul>
 */
@Component
public class WebSocketMetrics {

    /** Where an event came from. */
    public enum Source {
        REDIS("redis"), KAFKA("kafka");

        private final String tag;

        Source(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter[] deliveries = new Counter[Source.values().length];
    private final Timer[] latency = new Timer[Source.values().length];
    private final Counter resumesDone;
    private final Counter resumesLimited;
    private final Counter slowReaderDrops;

    WebSocketMetrics(MeterRegistry registry, Optional<Clock> clock) {
        this.registry = registry;
        this.clock = clock.orElse(Clock.systemUTC());
        for (Source source : Source.values()) {
            deliveries[source.ordinal()] = Counter.builder("chat.websocket.deliveries")
                    .description("Event frames queued to connections")
                    .tag("source", source.tag)
                    .register(registry);
            latency[source.ordinal()] = Timer.builder("chat.websocket.delivery.latency")
                    .description("From an event's occurrence (stored by chat-service) to its frame queued here")
                    .tag("source", source.tag)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
        }
        this.resumesDone = resumes(registry, "done");
        this.resumesLimited = resumes(registry, "limited");
        this.slowReaderDrops = Counter.builder("chat.websocket.slow.reader.drops")
                .description("Connections closed (1013) because they read too slowly")
                .register(registry);
    }

    private static Counter resumes(MeterRegistry registry, String outcome) {
        return Counter.builder("chat.websocket.resumes")
                .description("Resumed conversations by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Reports {@code openConnections} as the connections gauge. */
    public void watchConnections(IntSupplier openConnections) {
        Gauge.builder("chat.websocket.connections", openConnections, IntSupplier::getAsInt)
                .description("Authenticated connections open on this instance")
                .register(registry);
    }

    /** An event's frame went to {@code connections} local connections (nothing is recorded for 0). */
    public void delivered(EventEnvelope event, Source source, int connections) {
        if (connections <= 0) {
            return;
        }
        deliveries[source.ordinal()].increment(connections);
        if (event.hasOccurredAt()) {
            Timestamp at = event.getOccurredAt();
            Duration age = Duration.between(Instant.ofEpochSecond(at.getSeconds(), at.getNanos()), clock.instant());
            if (!age.isNegative()) {
                latency[source.ordinal()].record(age);
            }
        }
    }

    /** A conversation's resume ended: replayed in full, or limited (too much missed). */
    public void resumed(boolean limited) {
        (limited ? resumesLimited : resumesDone).increment();
    }

    /** A connection was closed because its outbound queue was full. */
    public void slowReaderDropped() {
        slowReaderDrops.increment();
    }
}
