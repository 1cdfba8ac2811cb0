package io.chatplatform.support.kafka;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes records with {@code acks=all} and idempotence on; a record counts as sent only when its
 * {@link RecordPosition} is emitted.
 *
 * <p>Errors are never swallowed: a record the broker did not acknowledge within the delivery timeout fails the
 * returned {@code Mono}/{@code Flux}, so a caller such as an outbox relay leaves it pending and tries again.
 */
public interface KafkaPublisher {

    /** Sends one record; completes with its position once all in-sync replicas have it. */
    Mono<RecordPosition> send(OutboundRecord record);

    /**
     * Sends records in the order given (order is kept per partition); emits one position per record in that
     * order and terminates with the first error, after which no further records are sent.
     */
    Flux<RecordPosition> sendAll(Publisher<OutboundRecord> records);
}
