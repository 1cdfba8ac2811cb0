package io.chatplatform.support.kafka.internal;

import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaHandlerException;
import io.chatplatform.support.kafka.KafkaProperties;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.RecordPosition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import io.chatplatform.support.observability.PublishedEvents;
import io.chatplatform.support.reactor.KeyLanes;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.GroupedFlux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.MicrometerConsumerListener;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverRecord;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.MicrometerProducerListener;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;
import reactor.kafka.sender.SenderResult;
import reactor.util.retry.Retry;

/**
 * {@link KafkaPublisher} and {@link KafkaSubscriber} on Reactor Kafka.
 *
 * <p>Nothing connects until the first send or consume: the producer is created on the first send (off the event
 * loop, because creating it and {@code Producer#send} may block), each {@code consume} call creates its own consumer
 * when subscribed. {@link #close()} ends every running consume stream (their consumers commit what was acknowledged
 * and leave the group) and closes the producer; the Spring context calls it on shutdown.
 */
public final class ReactorKafkaAdapter implements KafkaPublisher, KafkaSubscriber, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReactorKafkaAdapter.class);
    /** Acknowledgements a consumer with key lanes may hold back before it pauses (see {@code receiverOptions}). */
    private static final int MAX_DEFERRED_COMMITS = 4_096;

    private final KafkaProperties properties;
    private final MeterRegistry registry;
    private final PublishedEvents published;
    private final KafkaSender<String, byte[]> sender;
    private final Sinks.Empty<Void> shutdown = Sinks.empty();
    private final AtomicBoolean closed = new AtomicBoolean();

    public ReactorKafkaAdapter(KafkaProperties properties) {
        this(properties, null);
    }

    /**
     * @param registry where the Kafka clients' own metrics (among them each consumer's lag,
     *                 {@code kafka.consumer.fetch.manager.records.lag.max}) and {@code chat.events.published} go;
     *                 null for none
     */
    public ReactorKafkaAdapter(KafkaProperties properties, MeterRegistry registry) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.registry = registry;
        this.published = PublishedEvents.of(registry, "kafka");
        // KafkaSender.create does not connect: the producer is created when the first send is subscribed.
        this.sender = KafkaSender.create(senderOptions(properties));
    }

    @Override
    public Mono<RecordPosition> send(OutboundRecord record) {
        return sendAll(Mono.just(record))
                .single();
    }

    @Override
    public Flux<RecordPosition> sendAll(Publisher<OutboundRecord> records) {
        // stopOnError (the default) terminates the flux at the first failed record, so a failure always reaches the
        // caller. subscribeOn: the first subscription creates the KafkaProducer, which blocks briefly.
        return sender.send(Flux.from(records)
                        .map(ReactorKafkaAdapter::toSenderRecord))
                .map(ReactorKafkaAdapter::toPosition)
                .doOnNext(position -> published.published(position.topic()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Flux<InboundRecord> consume(ConsumerSpec spec, Function<InboundRecord, Mono<Void>> handler) {
        Objects.requireNonNull(handler, "handler");
        // A group that starts at the newest offset keeps its own positions across rebalances and resubscribes (see
        // StreamPositions); one set per consume call, so that every subscription of the returned Flux shares it.
        StreamPositions positions = spec.autoOffsetReset() == ConsumerSpec.OffsetReset.LATEST
                ? new StreamPositions() : null;
        ReceiverOptions<String, byte[]> options = positions == null
                ? receiverOptions(spec)
                : receiverOptions(spec).addAssignListener(positions::assigned);
        // One receiver (one KafkaConsumer) per subscription, so a resubscribe after an error starts from the
        // committed offsets. groupBy partition + concatMap keeps per-partition order while partitions run in
        // parallel; the flatMap concurrency must exceed the number of partitions or groups would starve.
        return Flux.defer(() -> KafkaReceiver.create(options).receive())
                .takeUntilOther(shutdown.asMono())
                .groupBy(record -> record.receiverOffset().topicPartition())
                .flatMap(partition -> processInOrder(partition, handler, positions, spec.keyLanes()),
                        Integer.MAX_VALUE);
    }

    private Flux<InboundRecord> processInOrder(
            GroupedFlux<TopicPartition, ReceiverRecord<String, byte[]>> partition,
            Function<InboundRecord, Mono<Void>> handler, StreamPositions positions, int keyLanes) {
        // With more than one lane the records finish out of offset order: the receiver then commits an offset only
        // once every record before it is acknowledged (maxDeferredCommits, set in receiverOptions).
        return KeyLanes.inLanes(partition, ReceiverRecord::key, keyLanes,
                record -> process(record, handler, positions));
    }

    private Mono<InboundRecord> process(ReceiverRecord<String, byte[]> record,
                                       Function<InboundRecord, Mono<Void>> handler, StreamPositions positions) {
        InboundRecord inbound = toInbound(record);
        return Mono.defer(() -> handler.apply(inbound))
                .retryWhen(handlerRetry(inbound))
                .onErrorMap(error -> handlerFailed(inbound, error))
                // Acknowledge strictly after the handler completed: commit after processing = at-least-once.
                .then(Mono.fromRunnable(() -> {
                    record.receiverOffset().acknowledge();
                    if (positions != null) {
                        positions.handled(record.receiverOffset().topicPartition(), record.offset());
                    }
                }))
                .thenReturn(inbound);
    }

    private Retry handlerRetry(InboundRecord inbound) {
        return Retry.backoff(properties.handlerRetries(), properties.handlerRetryBackoff())
                .doBeforeRetry(signal -> log.warn("Kafka handler failed for {}-{}@{} (attempt {}), retrying: {}",
                        inbound.topic(), inbound.partition(), inbound.offset(), signal.totalRetries() + 1,
                        signal.failure().toString()));
    }

    private static Throwable handlerFailed(InboundRecord inbound, Throwable error) {
        Throwable cause = Exceptions.isRetryExhausted(error) && error.getCause() != null ? error.getCause() : error;
        // Logged once here; the caller gets the typed error. The payload is never logged (it may hold user text).
        log.error("Kafka handler gave up on {}-{}@{}; stopping the stream, the record stays uncommitted",
                inbound.topic(), inbound.partition(), inbound.offset(), cause);
        return new KafkaHandlerException(inbound.topic(), inbound.partition(), inbound.offset(), cause);
    }

    /** Ends running consume streams and closes the producer; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        shutdown.tryEmitEmpty();
        sender.close();
    }

    private SenderOptions<String, byte[]> senderOptions(KafkaProperties props) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, props.clientId() + "-producer");
        // acks=all + idempotence: an acknowledged record survives a broker loss and retries never duplicate it.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(props.deliveryTimeout()));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(props.requestTimeout()));
        config.put(ProducerConfig.LINGER_MS_CONFIG, millis(props.linger()));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(props.maxBlock()));
        config.putAll(props.producer());
        SenderOptions<String, byte[]> options = SenderOptions.create(config);
        if (registry != null) {
            options = options.producerListener(new MicrometerProducerListener(registry));
        }
        return options
                .withKeySerializer(new StringSerializer())
                .withValueSerializer(new ByteArraySerializer())
                .closeTimeout(props.closeTimeout());
    }

    private ReceiverOptions<String, byte[]> receiverOptions(ConsumerSpec spec) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, properties.clientId() + "-" + spec.groupId());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, spec.groupId());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, spec.autoOffsetReset().configValue());
        // Offsets are committed by the receiver after acknowledge(), never by the client on a timer.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Never see records of aborted transactions, should any producer use them.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putAll(properties.consumer());
        ReceiverOptions<String, byte[]> options = ReceiverOptions.create(config);
        if (registry != null) {
            options = options.consumerListener(new MicrometerConsumerListener(registry));
        }
        return options
                .withKeyDeserializer(new StringDeserializer())
                .withValueDeserializer(new ByteArrayDeserializer())
                .commitInterval(properties.commitInterval())
                .closeTimeout(properties.closeTimeout())
                // On rebalance, wait (bounded) for in-flight records to be processed and committed before giving
                // the partition away, so the new owner re-reads as little as possible.
                .maxDelayRebalance(properties.closeTimeout())
                // Records handled in lanes are acknowledged out of offset order: the receiver holds each commit back
                // until every earlier offset is acknowledged, and pauses the partition past this many held back.
                .maxDeferredCommits(spec.keyLanes() > 1 ? MAX_DEFERRED_COMMITS : 0)
                .subscription(spec.topics());
    }

    private static int millis(java.time.Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    private static SenderRecord<String, byte[], Void> toSenderRecord(OutboundRecord record) {
        Headers headers = new RecordHeaders();
        record.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        ProducerRecord<String, byte[]> producerRecord =
                new ProducerRecord<>(record.topic(), null, record.key(), record.value(), headers);
        return SenderRecord.create(producerRecord, null);
    }

    private static RecordPosition toPosition(SenderResult<Void> result) {
        if (result.exception() != null) {
            // Only reachable with stopOnError=false; kept so a configuration change cannot turn failures into gaps.
            throw Exceptions.propagate(result.exception());
        }
        var metadata = result.recordMetadata();
        return new RecordPosition(metadata.topic(), metadata.partition(), metadata.offset(),
                Instant.ofEpochMilli(metadata.timestamp()));
    }

    private static InboundRecord toInbound(ReceiverRecord<String, byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        return new InboundRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                headers, Instant.ofEpochMilli(record.timestamp()));
    }
}
