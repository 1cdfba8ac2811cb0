package io.chatplatform.support.kafka;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A Kafka consumer that every process runs in full: its own group (a fresh id per process), so each process sees
 * every record. Where a new group starts is the subclass's choice: the newest offset when what came before is not
 * needed (websocket-service's deliveries: that is what {@code resume} is for), the oldest retained record when it is
 * (revoked sessions). Started and stopped with the context; a failed stream restarts with backoff.
 */
public abstract class TopicListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicListener.class);

    private final KafkaSubscriber kafka;
    private final ConsumerSpec spec;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    /** A listener that starts at the newest offset. */
    protected TopicListener(KafkaSubscriber kafka, String groupPrefix, List<String> topics) {
        this(kafka, groupPrefix, topics, ConsumerSpec.OffsetReset.LATEST);
    }

    protected TopicListener(KafkaSubscriber kafka, String groupPrefix, List<String> topics,
                            ConsumerSpec.OffsetReset start) {
        this.kafka = kafka;
        this.spec = new ConsumerSpec(groupPrefix + "-" + UUID.randomUUID(), topics, start);
    }

    /** Handles one record; an error here ends the stream (it restarts), so handle what is expected inside. */
    protected abstract Mono<Void> handle(InboundRecord record);

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        consuming = kafka.consume(spec, this::handle)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(retry -> log.warn("Consumer of {} restarting: {}", spec.topics(),
                                retry.failure().toString())))
                .subscribe();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && consuming != null) {
            consuming.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
