package io.chatplatform.chat.message;

import java.time.Instant;

/** A message as the REST API shows it; a deleted message is a tombstone with empty text. */
public record MessageView(
        String messageId,
        String conversationId,
        long seq,
        String senderId,
        String clientMsgId,
        String text,
        String replyTo,
        Instant createdAt,
        Instant editedAt,
        boolean deleted) {

    static MessageView of(StoredMessage message) {
        return new MessageView(message.id(), message.conversationId(), message.seq(), message.senderId(),
                message.clientMsgId(), message.text(), message.replyTo(), message.createdAt(),
                message.deleted() ? null : message.editedAt(), message.deleted());
    }
}
