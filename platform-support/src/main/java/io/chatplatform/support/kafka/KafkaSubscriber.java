package io.chatplatform.support.kafka;

import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Consumes topics at least once.
 *
 * <p><b>Order:</b> records of one partition reach the handler one at a time, in offset order; the handler for
 * record n+1 starts only after the {@code Mono} for record n completed. Different partitions run concurrently. With
 * {@link ConsumerSpec#keyLanes()} above 1, a partition's records are spread over that many lanes by key: records of
 * one key still one at a time in offset order, the lanes side by side (records of different keys may finish in any
 * order, and the returned {@code Flux} emits them as they finish).
 *
 * <p><b>Commit after processing:</b> a record's offset is acknowledged only after its handler's {@code Mono}
 * completed successfully, and with key lanes an offset is committed only once every record before it is
 * acknowledged. Acknowledged offsets are committed in the background every {@code chat.kafka.commit-interval}
 * and when the stream ends (completion, error or cancellation) or partitions are revoked. A crash can therefore
 * deliver again the records processed since the last commit, never skip one: handlers must be idempotent (event ids).
 *
 * <p><b>Handler errors:</b> a failing handler (error signal or thrown exception) is retried for the same record with
 * exponential backoff, {@code chat.kafka.handler-retries} times starting at {@code chat.kafka.handler-retry-backoff}.
 * If it still fails, the error is logged once (topic, partition, offset; never the payload) and the returned
 * {@code Flux} terminates with a {@link KafkaHandlerException}. The record is not committed, so the next
 * consumer of the group (a restart, or another instance after rebalance) receives it again. This is fail-closed on
 * purpose: skipping a record silently would break the platform's "delayed, never lost" guarantee. A caller that wants
 * the stream to continue resubscribes (for example {@code retryWhen(Retry.backoff(...))}) or routes poison records to a
 * dead-letter topic inside its handler.
 *
 * <p>The stream does not start until subscribed and stops when the subscription is cancelled or the application
 * context closes.
 */
public interface KafkaSubscriber {

    /**
     * Subscribes to {@code spec.topics()} as group {@code spec.groupId()} and hands each record to {@code handler}.
     *
     * @return each record after its handler completed and its offset was acknowledged
     */
    Flux<InboundRecord> consume(ConsumerSpec spec, Function<InboundRecord, Mono<Void>> handler);
}
