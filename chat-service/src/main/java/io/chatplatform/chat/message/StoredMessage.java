package io.chatplatform.chat.message;

import io.chatplatform.chat.outbox.PendingEvent;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A message with its outbox: the events about it that are not yet published.
 *
 * @param conversationKind {@code room} or {@code dm}, copied here so the relay routes without another read
 * @param participants     the two users of a DM (their Redis channels); empty for rooms
 * @param outboxPending    true while {@code pendingEvents} has events the relay has not published
 * @param editedAt         last edit, null if never edited
 * @param deleted          deleted by the sender: a tombstone without text that keeps its seq
 */
@Document("messages")
public record StoredMessage(
        @Id String id,
        String conversationId,
        String conversationKind,
        List<String> participants,
        long seq,
        String senderId,
        String clientMsgId,
        String text,
        String replyTo,
        Instant createdAt,
        boolean outboxPending,
        List<PendingEvent> pendingEvents,
        Instant editedAt,
        boolean deleted) {

    public boolean isDm() {
        return "dm".equals(conversationKind);
    }
}
