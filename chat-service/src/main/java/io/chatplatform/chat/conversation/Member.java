package io.chatplatform.chat.conversation;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One user's membership in one conversation.
 *
 * @param id          {@code conversationId/userId}, so joining twice is one document
 * @param role        {@code owner}, {@code admin} or {@code member}
 * @param lastReadSeq highest seq the user has read
 */
@Document("members")
public record Member(
        @Id String id,
        String conversationId,
        String userId,
        String role,
        Instant joinedAt,
        long lastReadSeq) {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    public static String idOf(String conversationId, String userId) {
        return conversationId + "/" + userId;
    }

    public boolean canManage() {
        return OWNER.equals(role) || ADMIN.equals(role);
    }
}
