package io.chatplatform.moderation.flag;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.moderation.Flag;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Flag changes for {@code WatchFlags} streams, from every instance: each flag opened or reviewed is announced as
 * {@code message.flagged} on {@code moderation.events}, and every instance reads that topic in full (a group of its
 * own, from the newest offset), so a moderator sees every flag whichever instance they are connected to. A slow
 * watcher misses changes rather than holding up the others (best effort: {@code ListFlags} is the record).
 */
@Component
public class FlagWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FlagWatch.class);

    private final KafkaSubscriber kafka;
    private final ConsumerSpec spec = new ConsumerSpec("moderation-watch-" + ModerationEvents.newId(),
            List.of(Topics.MODERATION_EVENTS), ConsumerSpec.OffsetReset.LATEST);
    private final Sinks.Many<Flag> changes = Sinks.many().multicast().directBestEffort();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    FlagWatch(KafkaSubscriber kafka) {
        this.kafka = kafka;
    }

    /** Changes from now on, until the subscriber cancels. */
    public Flux<Flag> changes() {
        return changes.asFlux();
    }

    private Mono<Void> handle(InboundRecord record) {
        return Mono.fromRunnable(() -> {
            try {
                EventEnvelope event = EventEnvelope.parseFrom(record.value());
                if (event.getPayloadCase() == EventEnvelope.PayloadCase.MESSAGE_FLAGGED) {
                    // One consumer thread per instance emits, so emissions never overlap.
                    changes.tryEmitNext(event.getMessageFlagged().getFlag());
                }
            } catch (InvalidProtocolBufferException | NullPointerException e) {
                log.warn("Skipped an unreadable record on {}", record.topic());
            }
        });
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        consuming = kafka.consume(spec, this::handle)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(retry -> log.warn("Flag watch consumer restarting: {}",
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
