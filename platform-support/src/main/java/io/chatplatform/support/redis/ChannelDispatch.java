package io.chatplatform.support.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveSubscription;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

/**
 * Every channel subscription of one {@link RedisPubSub} on one Redis subscription, with the messages routed by channel
 * name.
 *
 * <p>Spring Data Redis's listener container gives each {@code receive} call its own listener on the shared pub/sub
 * connection, and Lettuce hands every message to every listener, each checking whether the channel is one of its
 * own. With a subscription per connected user that is O(users) work per message: on websocket-service it was 29% of
 * the platform's CPU samples at 200 DMs/s among 200 users. Here there is one listener; a message costs one map lookup
 * and goes only to the subscribers of its channel. Channels are also counted: Redis is told to {@code SUBSCRIBE} with
 * the first subscriber of a channel and to {@code UNSUBSCRIBE} with the last one gone, so one subscriber leaving no
 * longer ends the channel for the others.
 */
final class ChannelDispatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChannelDispatch.class);

    private final ReactiveRedisConnection connection;
    private final ReactiveSubscription subscription;
    private final Map<String, Set<FluxSink<RedisMessage>>> subscribers = new ConcurrentHashMap<>();
    private final Disposable receiving;
    private volatile Throwable failed;

    ChannelDispatch(ReactiveRedisConnection connection, ReactiveSubscription subscription) {
        this.connection = connection;
        this.subscription = subscription;
        this.receiving = subscription.receive().subscribe(this::route, this::fail);
    }

    /** False once the Redis subscription ended with an error; {@link RedisPubSub} then opens a new one. */
    boolean usable() {
        return failed == null && !receiving.isDisposed();
    }

    /** Messages of {@code channel} from the moment Redis confirms the subscription, until cancelled. */
    Flux<RedisMessage> receive(String channel) {
        return Flux.create(sink -> {
            add(channel, sink);
            sink.onDispose(() -> remove(channel, sink));
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private void add(String channel, FluxSink<RedisMessage> sink) {
        Throwable ended = failed;
        if (ended != null) {
            sink.error(ended);
            return;
        }
        // compute() keeps each channel's SUBSCRIBE and UNSUBSCRIBE in the order the subscribers came and went; the
        // commands are only queued on the connection here, not awaited.
        subscribers.compute(channel, (name, sinks) -> {
            Set<FluxSink<RedisMessage>> current = sinks == null ? ConcurrentHashMap.newKeySet() : sinks;
            if (current.isEmpty()) {
                // The failure is handled off this thread: it may be signalled at once, inside this compute().
                subscription.subscribe(bytes(name)).subscribe(done -> { },
                        error -> Schedulers.parallel().schedule(() -> failChannel(name, error)));
            }
            current.add(sink);
            return current;
        });
    }

    private void remove(String channel, FluxSink<RedisMessage> sink) {
        subscribers.computeIfPresent(channel, (name, sinks) -> {
            sinks.remove(sink);
            if (!sinks.isEmpty()) {
                return sinks;
            }
            if (failed == null) {
                subscription.unsubscribe(bytes(name)).subscribe(done -> { },
                        error -> log.debug("Unsubscribing from {} failed: {}", name, error.toString()));
            }
            return null;
        });
    }

    private void route(ReactiveSubscription.Message<ByteBuffer, ByteBuffer> message) {
        String channel = StandardCharsets.UTF_8.decode(message.getChannel().duplicate()).toString();
        Set<FluxSink<RedisMessage>> sinks = subscribers.get(channel);
        if (sinks == null || sinks.isEmpty()) {
            return;
        }
        ByteBuffer body = message.getMessage().duplicate();
        byte[] payload = new byte[body.remaining()];
        body.get(payload);
        RedisMessage received = new RedisMessage(channel, payload);
        for (FluxSink<RedisMessage> sink : sinks) {
            sink.next(received);
        }
    }

    /** Redis refused the channel: its subscribers get the error (and may subscribe again), the others carry on. */
    private void failChannel(String channel, Throwable error) {
        log.warn("Subscribing to Redis channel {} failed: {}", channel, error.toString());
        Set<FluxSink<RedisMessage>> sinks = subscribers.remove(channel);
        if (sinks != null) {
            sinks.forEach(sink -> sink.error(error));
        }
    }

    /** The Redis subscription is gone: every subscriber gets the error (and may subscribe again). */
    private void fail(Throwable error) {
        failed = error;
        log.warn("Redis Pub/Sub subscription ended: {}", error.toString());
        subscribers.values().forEach(sinks -> sinks.forEach(sink -> sink.error(error)));
        subscribers.clear();
    }

    /** Ends every subscription: closing the connection drops them in Redis. */
    @Override
    public void close() {
        receiving.dispose();
        subscribers.values().forEach(sinks -> sinks.forEach(FluxSink::complete));
        subscribers.clear();
        connection.close();
    }

    private static ByteBuffer bytes(String channel) {
        return ByteBuffer.wrap(channel.getBytes(StandardCharsets.UTF_8));
    }
}
