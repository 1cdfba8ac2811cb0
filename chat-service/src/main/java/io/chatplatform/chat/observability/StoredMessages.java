package io.chatplatform.chat.observability;

import io.chatplatform.chat.message.StoredMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.mapping.event.AfterSaveEvent;
import org.springframework.stereotype.Component;

/**
 * {@code chat.messages.stored} ({@code chat_messages_stored_total}): new messages stored, by conversation kind
 * ({@code room}, {@code dm}). Counted from the store's own after-save event, so every path that stores a message (REST,
 * gRPC) is counted once, and a repeated send (answered from the first one, not stored again) is not. Edits, deletes
 * and hides are entries of the log too but are not messages. Each is also logged at debug level, under the trace of
 * the request that stored it.
 */
@Component
class StoredMessages {

    private static final Logger log = LoggerFactory.getLogger(StoredMessages.class);

    private final Counter rooms;
    private final Counter dms;

    StoredMessages(MeterRegistry registry) {
        this.rooms = counter(registry, "room");
        this.dms = counter(registry, "dm");
    }

    private static Counter counter(MeterRegistry registry, String kind) {
        return Counter.builder("chat.messages.stored")
                .description("New messages stored")
                .tag("conversation", kind)
                .register(registry);
    }

    @EventListener
    void stored(AfterSaveEvent<?> saved) {
        if (saved.getSource() instanceof StoredMessage message && StoredMessage.MESSAGE.equals(message.kind())) {
            ("dm".equals(message.conversationKind()) ? dms : rooms).increment();
            // Under the send's trace (its traceId in the log's MDC).
            log.debug("Stored message {} as {}#{}", message.id(), message.conversationId(), message.seq());
        }
    }
}
