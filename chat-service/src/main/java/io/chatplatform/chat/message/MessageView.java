package io.chatplatform.chat.message;

import java.time.Instant;
import java.util.List;

/**
 * An entry of a conversation's log as the REST API shows it to one reader.
 *
 * @param kind            {@code message}, or a change to an earlier message: {@code edit}, {@code delete}, {@code hide}
 * @param text            empty when deleted, hidden, or held from this reader (only the sender sees a held message)
 * @param moderationState {@code pending}, {@code held}, {@code approved} or {@code hidden}
 * @param targetMessageId for a change, the message it changed
 * @param targetSeq       for a change, that message's seq
 */
public record MessageView(
        String messageId,
        String conversationId,
        long seq,
        String kind,
        String senderId,
        String clientMsgId,
        String text,
        String replyTo,
        List<String> mentions,
        Instant createdAt,
        Instant editedAt,
        boolean deleted,
        String moderationState,
        String targetMessageId,
        Long targetSeq) {

    public static MessageView of(StoredMessage message, String viewerId) {
        boolean change = !message.isMessage();
        return new MessageView(message.id(), message.conversationId(), message.seq(), message.kind(),
                message.senderId(), change ? null : message.clientMsgId(),
                message.textVisibleTo(viewerId) && message.text() != null ? message.text() : "",
                message.replyTo(), message.mentions(), message.createdAt(),
                message.deleted() ? null : message.editedAt(), message.deleted(), message.moderationState(),
                message.targetId(), change ? message.targetSeq() : null);
    }
}
