package io.chatplatform.chat.observability;


import io.chatplatform.chat.outbox.OutboxMarkers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code chat.outbox.backlog} (messages whose events are stored but not yet published) and
 * {@code chat.outbox.oldest.age} (seconds since the oldest of them was marked for the relay, right after it was
 * stored; 0 when none): how far the relay is behind. Read from the relay's markers, so it costs the same however long
 * the history is; a message stored just before a crash, whose marker was never written, is not counted (the relay's
 * periodic search publishes it). Counted by a scheduled reactive job every {@code chat.chat-service.metrics.outbox-interval}, not per scrape,
 * so a scrape never waits on MongoDB; the gauges show the latest count.
 */
@Component
class OutboxBacklog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxBacklog.class);

    private final OutboxMarkers markers;
    private final Duration interval;
    private final Clock clock;
    private final AtomicReference<Reading> latest = new AtomicReference<>(new Reading(0, 0));
    private volatile Disposable job;

    private record Reading(long pending, double oldestAgeSeconds) {
    }

    OutboxBacklog(OutboxMarkers markers, MetricsProperties properties, MeterRegistry registry,
                  Optional<Clock> clock) {
        this.markers = markers;
        this.interval = properties.outboxInterval();
        this.clock = clock.orElse(Clock.systemUTC());
        Gauge.builder("chat.outbox.backlog", latest, reading -> reading.get().pending())
                .description("Messages whose events are stored but not yet published")
                .baseUnit("messages")
                .register(registry);
        Gauge.builder("chat.outbox.oldest.age", latest, reading -> reading.get().oldestAgeSeconds())
                .description("Age of the oldest message whose events are not yet published")
                .baseUnit("seconds")
                .register(registry);
    }

    @Override
    public void start() {
        job = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .concatMap(tick -> read()
                        // Fails open: the gauges keep the last reading and the next tick tries again.
                        .onErrorResume(error -> {
                            log.debug("Could not count the outbox backlog: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe(latest::set);
    }

    Mono<Reading> read() {
        return markers.messageBacklog()
                .map(backlog -> new Reading(backlog.messages(), backlog.oldestMarkedAt() == null
                        ? 0
                        : Math.max(0, Duration.between(backlog.oldestMarkedAt(), Instant.now(clock)).toMillis()
                                / 1000.0)));
    }

    @Override
    public void stop() {
        Disposable running = job;
        if (running != null) {
            running.dispose();
        }
        job = null;
    }

    @Override
    public boolean isRunning() {
        return job != null;
    }
}
