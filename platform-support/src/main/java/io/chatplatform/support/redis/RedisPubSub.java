package io.chatplatform.support.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import io.chatplatform.support.observability.PublishedEvents;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.data.redis.listener.Topic;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.data.redis.serializer.RedisSerializer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes and subscribes to Redis channels with byte payloads, on Spring Data Redis reactive.
 *
 * <p><b>At-most-once:</b> Redis Pub/Sub keeps nothing. A message published while no subscriber is connected (or while
 * the subscription is being set up, or during a reconnect) is lost. Use it for live delivery only; correctness comes
 * from clients resuming by {@code seq} over the durable store.
 *
 * <p>Publishing uses one multiplexed connection; the channel subscriptions of {@link #subscribe} share another, with
 * one Redis subscription routing each message to its channel's subscribers ({@link ChannelDispatch}), and
 * {@link #subscribeConfirmed} and {@link #subscribePattern} go through a listener container. Each is opened on
 * first use, off the event loop because Spring Data Redis opens connections blocking, and all are closed by
 * {@link #close()}.
 */
public final class RedisPubSub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisPubSub.class);

    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);
    private static final SerializationPair<String> CHANNELS = SerializationPair.fromSerializer(RedisSerializer.string());
    private static final SerializationPair<byte[]> BYTES = SerializationPair.fromSerializer(RedisSerializer.byteArray());

    private final ReactiveRedisConnectionFactory connectionFactory;
    private final Mono<ReactiveRedisConnection> publishConnection;
    private final Mono<ReactiveRedisMessageListenerContainer> container;
    private final Mono<ChannelDispatch> dispatch;
    private final PublishedEvents published;
    private ReactiveRedisConnection createdPublishConnection;
    private ReactiveRedisMessageListenerContainer createdContainer;
    private ChannelDispatch createdDispatch;

    public RedisPubSub(ReactiveRedisConnectionFactory connectionFactory) {
        this(connectionFactory, PublishedEvents.NONE);
    }

    /** @param published counts each publish in {@code chat.events.published} */
    public RedisPubSub(ReactiveRedisConnectionFactory connectionFactory, PublishedEvents published) {
        this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
        this.published = Objects.requireNonNull(published, "published");
        // Both connections are opened on first use, on boundedElastic: Spring Data Redis connects blocking, which must
        // not happen on an event loop. Cached once open (Lettuce reconnects by itself), not when opening failed, so
        // the next call tries again.
        this.publishConnection = Mono.fromCallable(this::createPublishConnection)
                .subscribeOn(Schedulers.boundedElastic())
                .cache(created -> FOREVER, failure -> Duration.ZERO, () -> Duration.ZERO);
        this.container = Mono.fromCallable(this::createContainer)
                .subscribeOn(Schedulers.boundedElastic())
                .cache(created -> FOREVER, failure -> Duration.ZERO, () -> Duration.ZERO);
        // One Redis subscription (and connection) for every channel subscribed through subscribe(), opened once on
        // first use; opened again if it ended with an error.
        this.dispatch = Mono.fromCallable(connectionFactory::getReactiveConnection)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(connection -> connection.pubSubCommands().createSubscription()
                        .map(subscription -> remember(new ChannelDispatch(connection, subscription))))
                .cacheInvalidateIf(opened -> !opened.usable());
    }

    private synchronized ChannelDispatch remember(ChannelDispatch opened) {
        ChannelDispatch previous = createdDispatch;
        createdDispatch = opened;
        if (previous != null) {
            // Closing a connection may block: not on the thread that opened the new subscription.
            Schedulers.boundedElastic().schedule(previous::close);
        }
        return opened;
    }

    /**
     * Publishes bytes to a channel.
     *
     * @return how many subscribers (across all Redis clients) received it; 0 means nobody was listening
     */
    public Mono<Long> publish(String channel, byte[] message) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(message, "message");
        ByteBuffer channelBytes = ByteBuffer.wrap(channel.getBytes(StandardCharsets.UTF_8));
        return publishConnection
                .flatMap(connection -> connection.pubSubCommands()
                        .publish(channelBytes, ByteBuffer.wrap(message)))
                .doOnNext(receivers -> published.published(PublishedEvents.channelKind(channel)));
    }

    /**
     * Subscribes to channels; the flux emits until cancelled. Messages published before the subscription is
     * registered with Redis are not seen (at-most-once).
     */
    public Flux<RedisMessage> subscribe(String... channels) {
        if (channels.length == 0) {
            return Flux.error(new IllegalArgumentException("at least one channel is required"));
        }
        List<String> names = List.of(channels);
        return dispatch.flatMapMany(shared -> Flux.merge(names.stream().map(shared::receive).toList()));
    }

    /**
     * Subscribes and emits once Redis confirmed the subscription, so nothing published after the {@code Mono} emits
     * is missed (while the connection stays up). The inner {@code Flux} buffers messages from the confirmation on
     * until it is subscribed; this is what lets a caller first replay history (resume) and then continue live
     * without a gap. Subscribe to the inner {@code Flux} exactly once and promptly; cancelling it unsubscribes.
     */
    public Mono<Flux<RedisMessage>> subscribeConfirmed(String... channels) {
        List<Topic> topics = Arrays.stream(channels)
                .<Topic>map(ChannelTopic::of)
                .toList();
        if (topics.isEmpty()) {
            return Mono.error(new IllegalArgumentException("at least one channel is required"));
        }
        return container
                .flatMap(listener -> listener.receiveLater(topics, CHANNELS, BYTES))
                .map(RedisPubSub::bufferFromNow);
    }

    /** Subscribes to channel patterns such as {@code user:*}. */
    public Flux<RedisMessage> subscribePattern(String... patterns) {
        List<Topic> topics = Arrays.stream(patterns)
                .<Topic>map(PatternTopic::of)
                .toList();
        return receive(topics);
    }

    private Flux<RedisMessage> receive(List<Topic> topics) {
        if (topics.isEmpty()) {
            return Flux.error(new IllegalArgumentException("at least one channel is required"));
        }
        return container
                .flatMapMany(listener -> listener.receive(topics, CHANNELS, BYTES))
                .map(RedisPubSub::toMessage);
    }

    /**
     * Spring Data Redis only delivers to a subscribed receive flux (messages before that are dropped), so subscribe
     * to it now and hold messages in a buffer until the caller subscribes.
     */
    private static Flux<RedisMessage> bufferFromNow(Flux<ReactiveSubscription.Message<String, byte[]>> messages) {
        Sinks.Many<RedisMessage> buffer = Sinks.many().unicast().onBackpressureBuffer();
        Disposable redisSubscription = messages
                .map(RedisPubSub::toMessage)
                .subscribe(buffer::tryEmitNext, buffer::tryEmitError, buffer::tryEmitComplete);
        return buffer.asFlux()
                .doFinally(signal -> redisSubscription.dispose());
    }

    private static RedisMessage toMessage(ReactiveSubscription.Message<String, byte[]> message) {
        return new RedisMessage(message.getChannel(), message.getMessage());
    }

    private synchronized ReactiveRedisConnection createPublishConnection() {
        if (createdPublishConnection == null) {
            // Lettuce multiplexes: one connection serves every concurrent publish.
            createdPublishConnection = connectionFactory.getReactiveConnection();
        }
        return createdPublishConnection;
    }

    private synchronized ReactiveRedisMessageListenerContainer createContainer() {
        if (createdContainer == null) {
            createdContainer = new ReactiveRedisMessageListenerContainer(connectionFactory);
        }
        return createdContainer;
    }

    /** Ends every subscription and releases both connections; the instance is not usable afterwards. */
    @Override
    public synchronized void close() {
        if (createdPublishConnection != null) {
            createdPublishConnection.close();
            createdPublishConnection = null;
        }
        if (createdDispatch != null) {
            createdDispatch.close();
            createdDispatch = null;
        }
        if (createdContainer != null) {
            log.debug("Closing Redis Pub/Sub subscriptions");
            createdContainer.destroy();
            createdContainer = null;
        }
    }
}
