package io.chatplatform.moderation.flag;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.moderation.Flag;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.TopicListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Flag changes for {@code WatchFlags} streams, from every instance: each flag opened or reviewed is announced as
 * {@code message.flagged} on {@code moderation.events}, and every instance reads that topic in full (a group of its
 * own, from the newest offset), so a moderator sees every flag whichever instance they are connected to. A slow
 * watcher misses changes rather than holding up the others (best effort: {@code ListFlags} is the record).
 */
@Component
public class FlagWatch extends TopicListener {

    private static final Logger log = LoggerFactory.getLogger(FlagWatch.class);

    private final Sinks.Many<Flag> changes = Sinks.many().multicast().directBestEffort();

    FlagWatch(KafkaSubscriber kafka) {
        super(kafka, "moderation-watch", List.of(Topics.MODERATION_EVENTS));
    }

    /** Changes from now on, until the subscriber cancels. */
    public Flux<Flag> changes() {
        return changes.asFlux();
    }

    @Override
    protected Mono<Void> handle(InboundRecord record) {
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
}
