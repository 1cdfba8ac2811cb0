package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.WebSocketProperties;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;

/**
 * Server pings for every open connection from one timer: each {@code chat.websocket.ping-interval}, every connection is
 * pinged, and one that sent nothing (no frame, no pong) for two intervals is closed with 1001. One timer per
 * connection cost every idle connection a scheduled task and a stream merging its pings into its frames.
 */
@Component
class Heartbeats implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

    private final Set<ClientSession> open = ConcurrentHashMap.newKeySet();
    private final Duration interval;
    private final long silenceLimitNanos;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Disposable.Swap ticks = Disposables.swap();

    Heartbeats(WebSocketProperties properties) {
        this.interval = properties.pingInterval();
        this.silenceLimitNanos = interval.multipliedBy(2).toNanos();
    }

    void watch(ClientSession session) {
        open.add(session);
    }

    void forget(ClientSession session) {
        open.remove(session);
    }

    /** One beat: pings, or closes the silent. One connection's failure neither stops the beat nor the timer. */
    void beat() {
        open.forEach(session -> {
            try {
                session.heartbeat(silenceLimitNanos);
            } catch (RuntimeException e) {
                log.warn("Heartbeat failed on connection {}: {}", session.id(), e.toString());
            }
        });
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            // A beat still running when the next is due is not doubled: the late tick is dropped.
            ticks.update(Flux.interval(interval, interval).onBackpressureDrop().subscribe(tick -> beat()));
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            ticks.update(Disposables.disposed());
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
