package io.chatplatform.chat.message;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Newly held messages (pre-moderated rooms), handed from the send path to pre-moderation without waiting for it.
 * Best effort by design: if the buffer is full or nobody listens, the periodic sweep of held messages finds them.
 */
@Component
public class HeldMessages {

    private static final int BUFFER = 10_000;

    private final Sinks.Many<StoredMessage> sink = Sinks.many().multicast().onBackpressureBuffer(BUFFER, false);

    void offer(StoredMessage message) {
        // tryEmit never blocks; a failure (full, or a concurrent emit) leaves the message to the sweep.
        sink.tryEmitNext(message);
    }

    /** Held messages as they are stored. */
    public Flux<StoredMessage> stream() {
        return sink.asFlux();
    }
}
