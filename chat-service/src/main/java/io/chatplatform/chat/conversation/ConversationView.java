package io.chatplatform.chat.conversation;

import java.time.Instant;
import java.util.List;

/** A room or DM as the REST API shows it. */
public record ConversationView(
        String id,
        String kind,
        String name,
        String topic,
        String visibility,
        String moderationMode,
        int retentionDays,
        String createdBy,
        Instant createdAt,
        List<String> participants) {

    public static ConversationView of(Conversation conversation) {
        return new ConversationView(conversation.id(), conversation.kind(), conversation.name(), conversation.topic(),
                conversation.visibility(), conversation.moderationMode(), conversation.retentionDays(),
                conversation.createdBy(), conversation.createdAt(),
                conversation.participants() == null ? List.of() : conversation.participants());
    }
}
