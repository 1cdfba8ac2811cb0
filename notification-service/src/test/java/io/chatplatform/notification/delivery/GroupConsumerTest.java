package io.chatplatform.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Stopping a consumer: the handler already running finishes, nothing new starts, then the stream is cancelled. */
class GroupConsumerTest {

    private final Sinks.Many<InboundRecord> records = Sinks.many().unicast().onBackpressureBuffer();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    /** Records of one partition, one at a time, as the real subscriber hands them over. */
    private final KafkaSubscriber kafka = (spec, handler) -> records.asFlux()
            .concatMap(record -> handler.apply(record).thenReturn(record))
            .doOnCancel(() -> cancelled.set(true));
    private final KafkaTopics topics = specs -> Mono.empty();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstStarted = new CountDownLatch(1);

    /** Each event takes a moment to handle, as an email send does. */
    private final GroupConsumer consumer = new GroupConsumer(kafka, topics, "test.events") {
        @Override
        protected Mono<Void> handle(EventEnvelope envelope) {
            firstStarted.countDown();
            return Mono.delay(Duration.ofMillis(300))
                    .then(Mono.fromRunnable(() -> handled.add(envelope.getEventId())));
        }
    };

    @Test
    void stoppingLetsTheRunningHandlerFinishAndStartsNoOtherBeforeCancelling() throws Exception {
        consumer.start();
        records.tryEmitNext(record("first"));
        records.tryEmitNext(record("second"));
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();

        consumer.stop();

        assertThat(handled).as("the running one finished, the next did not start").containsExactly("first");
        assertThat(cancelled).as("then the stream was cancelled").isTrue();
        assertThat(consumer.isRunning()).isFalse();
    }

    private static InboundRecord record(String eventId) {
        return new InboundRecord("test.events", 0, 0, null,
                EventEnvelope.newBuilder().setEventId(eventId).setType("test").build().toByteArray(), Map.of(),
                Instant.now());
    }
}
