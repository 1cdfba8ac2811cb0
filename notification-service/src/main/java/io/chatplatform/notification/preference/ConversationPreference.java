package io.chatplatform.notification.preference;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A user's settings for one conversation.
 *
 * @param id             {@code userId + ":" + conversationId}
 * @param mutedUntil     nothing is notified before this instant; null when not muted
 * @param mentionsOnly   only messages that mention the user are notified
 */
@Document(ConversationPreference.COLLECTION)
public record ConversationPreference(
        @Id String id,
        @Indexed String userId,
        String conversationId,
        Instant mutedUntil,
        boolean mentionsOnly) {

    static final String COLLECTION = "conversation_preferences";

    static String idOf(String userId, String conversationId) {
        return userId + ":" + conversationId;
    }

    /** Whether the conversation is muted at {@code at}. */
    public boolean isMuted(Instant at) {
        return mutedUntil != null && mutedUntil.isAfter(at);
    }
}
