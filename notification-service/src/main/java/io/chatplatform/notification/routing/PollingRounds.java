package io.chatplatform.notification.routing;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A round of work every {@code interval}, one at a time, that stops cleanly: stopping starts no new round and lets the
 * running one finish (at most {@code drainTimeout}) before cancelling it. A round cut off between sending something
 * and recording it as sent would send it again once its claim runs out.
 */
final class PollingRounds {

    private static final Logger log = LoggerFactory.getLogger(PollingRounds.class);

    private final Duration interval;
    private final Duration drainTimeout;
    private final Supplier<Mono<Void>> round;
    private Sinks.Empty<Void> stopRequested;
    private Sinks.Empty<Void> roundsEnded;
    private Disposable polling;

    PollingRounds(Duration interval, Duration drainTimeout, Supplier<Mono<Void>> round) {
        this.interval = interval;
        this.drainTimeout = drainTimeout;
        this.round = round;
    }

    synchronized void start() {
        stopRequested = Sinks.empty();
        Sinks.Empty<Void> ended = Sinks.empty();
        roundsEnded = ended;
        polling = Flux.interval(interval)
                .takeUntilOther(stopRequested.asMono())
                .onBackpressureDrop()
                // After a stop request no tick comes; the round already running completes first.
                .concatMap(tick -> Mono.defer(round)
                        .onErrorResume(error -> {
                            log.warn("A round failed, the next one tries again: {}", error.toString());
                            return Mono.empty();
                        }))
                .doFinally(signal -> ended.tryEmitEmpty())
                .subscribe();
    }

    /** Asks the rounds to stop; {@code stopped} runs once the running round finished or the drain timeout passed. */
    synchronized void stop(Runnable stopped) {
        Disposable current = polling;
        if (current == null) {
            stopped.run();
            return;
        }
        polling = null;
        stopRequested.tryEmitEmpty();
        roundsEnded.asMono()
                .timeout(drainTimeout, Mono.fromRunnable(() -> log.warn(
                        "A round still ran {} after the stop request; cancelling it", drainTimeout)))
                .doFinally(signal -> {
                    current.dispose();
                    stopped.run();
                })
                .subscribe();
    }
}
