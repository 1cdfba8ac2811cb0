package io.chatplatform.notification.preference;

import io.chatplatform.support.redis.RedisPubSub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * "A user's notification settings or push subscriptions changed", told to every notification-service instance over
 * the Redis channel {@value #CHANNEL} (the payload is the user id), so that what an instance keeps in memory about its
 * recipients ({@link RecipientSettings}) is dropped at once wherever the change was stored.
 *
 * <p>Redis Pub/Sub keeps nothing: an instance that is not subscribed at the moment (starting, reconnecting) misses the
 * change. Whenever the subscription is (re)confirmed the listeners are told to forget everything, and what they keep
 * expires after {@code chat.notification.preferences.cache-max-age} in any case, the bound on how long a missed change
 * can go unseen.
 */
@Component
public class SettingsChanges implements SmartLifecycle {

    public static final String CHANNEL = "notification:settings-changed";
    private static final Logger log = LoggerFactory.getLogger(SettingsChanges.class);

    private final RedisPubSub pubSub;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable hearing;

    SettingsChanges(RedisPubSub pubSub) {
        this.pubSub = pubSub;
    }

    /** Told of every change, this instance's and the others'. */
    public interface Listener {

        /** The user's settings or subscriptions changed. */
        void changed(String userId);

        /** Changes may have been missed: forget everything. */
        void forgetAll();
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Tells this instance's listeners at once and the other instances through Redis. Completes without error when
     * Redis cannot be told: the change is stored already, and the other instances see it when what they keep expires.
     */
    public Mono<Void> announce(String userId) {
        return Mono.fromRunnable(() -> listeners.forEach(listener -> listener.changed(userId)))
                .then(pubSub.publish(CHANNEL, userId.getBytes(StandardCharsets.UTF_8)))
                .onErrorResume(error -> {
                    log.warn("Could not announce the settings change of {} to the other instances: {}", userId,
                            error.toString());
                    return Mono.empty();
                })
                .then();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        hearing = pubSub.subscribeConfirmed(CHANNEL)
                .flatMapMany(messages -> {
                    // Whatever changed while unsubscribed went unheard.
                    listeners.forEach(Listener::forgetAll);
                    return messages;
                })
                .concatWith(Flux.error(() -> new IllegalStateException("subscription ended")))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
                        .maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("Listening to {} again: {}", CHANNEL,
                                signal.failure().toString())))
                .subscribe(message -> {
                    String userId = new String(message.payload(), StandardCharsets.UTF_8);
                    listeners.forEach(listener -> listener.changed(userId));
                });
    }

    @Override
    public void stop() {
        Disposable current = hearing;
        if (running.compareAndSet(true, false) && current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
