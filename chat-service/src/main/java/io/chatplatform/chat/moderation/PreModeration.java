package io.chatplatform.chat.moderation;

import io.chatplatform.chat.message.HeldMessages;
import io.chatplatform.chat.message.MessageEvents;
import io.chatplatform.chat.message.MessageModeration;
import io.chatplatform.chat.message.StoredMessage;
import io.chatplatform.contracts.moderation.CheckResponse;
import io.chatplatform.contracts.moderation.VerdictReason;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Gets moderation-service's verdict for messages held in pre-moderated rooms and acts on it: ALLOW releases the
 * message to everyone, HIDE hides it, HOLD leaves it held for a moderator's review.
 *
 * <p>A held message is checked right after it is stored; a periodic sweep asks again for every held message still
 * without a verdict (the process died before the check, the check failed under the fail-closed policy, or the
 * hand-over buffer was full). Acting on a verdict is idempotent, so a message checked twice is harmless.
 */
@Component
class PreModeration implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PreModeration.class);
    private static final int SWEEP_BATCH = 100;

    private final HeldMessages held;
    private final MessageModeration moderation;
    private final ModerationClient client;
    private final PreModerationProperties properties;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable work;

    PreModeration(HeldMessages held, MessageModeration moderation, ModerationClient client,
                  PreModerationProperties properties, Optional<Clock> clock) {
        this.held = held;
        this.moderation = moderation;
        this.client = client;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Override
    public boolean isAutoStartup() {
        return properties.enabled();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Flux<StoredMessage> sweep = Flux.interval(properties.sweepInterval())
                .onBackpressureDrop()
                // Deferred, so that even a failure while building the query ends this sweep only, not the whole loop.
                .concatMap(tick -> Flux.defer(() -> moderation.awaitingVerdict(
                                clock.instant().minus(properties.recheckAfter()),
                                clock.instant().minus(properties.reviewRecheckAfter()), SWEEP_BATCH))
                        .onErrorResume(error -> {
                            log.warn("Sweep of held messages failed, retrying on the next sweep: {}", error.toString());
                            return Flux.empty();
                        }));
        work = Flux.merge(held.stream(), sweep)
                .flatMap(message -> decide(message)
                        .onErrorResume(error -> {
                            log.warn("Acting on the verdict for message {} failed; the sweep retries: {}",
                                    message.id(), error.toString());
                            return Mono.empty();
                        }), properties.concurrency())
                .subscribe();
        log.info("Pre-moderation started: moderation-service at {}, on failure {}", properties.target(),
                properties.onFailure());
    }

    /** One held message: ask, then act on the verdict, or on the failure policy if there is none. */
    Mono<Void> decide(StoredMessage message) {
        return client.check(message)
                .flatMap(verdict -> act(message, verdict))
                .onErrorResume(failure -> onFailure(message, failure));
    }

    private Mono<Void> act(StoredMessage message, CheckResponse response) {
        String reasons = response.getReasonsList().stream()
                .map(VerdictReason::getCode)
                .collect(Collectors.joining(", "));
        return switch (response.getVerdict()) {
            case VERDICT_ALLOW -> moderation.release(message).then();
            case VERDICT_HIDE -> moderation.hide(message.conversationId(), message.id(), MessageEvents.SYSTEM,
                    reasons, response.getFlagId()).then();
            case VERDICT_HOLD -> moderation.keepHeld(message, reasons, response.getFlagId()).then();
            default -> Mono.error(new IllegalStateException("no verdict in the response"));
        };
    }

    private Mono<Void> onFailure(StoredMessage message, Throwable failure) {
        if (properties.onFailure() == PreModerationProperties.FailurePolicy.RELEASE) {
            log.warn("No verdict for held message {} ({}); releasing it unchecked (fail-open)", message.id(),
                    failure.toString());
            return moderation.release(message).then();
        }
        log.warn("No verdict for held message {} ({}); it stays held until a later sweep gets one", message.id(),
                failure.toString());
        return Mono.empty();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && work != null) {
            work.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
