package io.chatplatform.websocket.observability;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.events.EventEnvelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * websocket-service's meters, and the tracing of deliveries (each delivery of an event that carries a trace context
 * is a span of that trace, {@code chat.websocket.deliver}, with a debug log line under it). The meters:
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

    private static final Logger log = LoggerFactory.getLogger(WebSocketMetrics.class);
    private static final String TRACEPARENT = "traceparent";

    private final MeterRegistry registry;
    private final Tracer tracer;
    private final Propagator propagator;
    private final Clock clock;
    private final Counter[] deliveries = new Counter[Source.values().length];
    private final Timer[] latency = new Timer[Source.values().length];
    private final Counter resumesDone;
    private final Counter resumesLimited;
    private final Counter slowReaderDrops;

    WebSocketMetrics(MeterRegistry registry, Optional<Clock> clock, ObjectProvider<Tracer> tracer,
                     ObjectProvider<Propagator> propagator) {
        this.registry = registry;
        this.tracer = tracer.getIfAvailable();
        this.propagator = propagator.getIfAvailable();
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
                // Micrometer holds gauge state weakly; nothing else holds this supplier.
                .strongReference(true)
                .register(registry);
    }

    /**
     * Delivers an event ({@code delivery} queues its frame and returns to how many connections) inside a span that
     * continues the trace the event carries (chat-service stored it with the trace of the send), then records it.
     *
     * @param what names the delivery in the debug log, e.g. {@code conversationId#seq}
     */
    public void deliver(EventEnvelope event, Source source, String what, IntSupplier delivery) {
        Span span = continued(event);
        int connections;
        try (Tracer.SpanInScope scope = span == null ? null : tracer.withSpan(span)) {
            connections = delivery.getAsInt();
            if (connections > 0) {
                log.debug("Delivered {} {} to {} connection(s)", event.getType(), what, connections);
            }
        } finally {
            if (span != null) {
                span.end();
            }
        }
        delivered(event, source, connections);
    }

    /** A span continuing the event's trace, or null when it carries none or tracing is off. */
    private Span continued(EventEnvelope event) {
        String traceparent = event.getTrace().getTraceparent();
        if (tracer == null || propagator == null || traceparent.isEmpty()) {
            return null;
        }
        return propagator.extract(traceparent, (carrier, key) -> TRACEPARENT.equals(key) ? carrier : null)
                .name("chat.websocket.deliver")
                .kind(Span.Kind.CONSUMER)
                .start();
    }

    /** An event's frame went to {@code connections} local connections (nothing is recorded for 0). */
    private void delivered(EventEnvelope event, Source source, int connections) {
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
