package io.chatplatform.chat.conversation;

import io.chatplatform.chat.outbox.PendingEvent;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One user's membership in one conversation, with its outbox: {@code membership.changed} and {@code receipt.updated}
 * events are stored in the same document as the change they describe, so both are written or neither.
 *
 * @param id            {@code conversationId/userId}, so joining twice is one document
 * @param role          {@code owner}, {@code admin} or {@code member}
 * @param lastReadSeq   highest seq the user has read
 * @param removed       the user left or was removed; the document stays until its event is published, then goes
 * @param outboxPending true while {@code pendingEvents} has events the relay has not published
 */
@Document("members")
public record Member(
        @Id String id,
        String conversationId,
        String userId,
        String role,
        Instant joinedAt,
        long lastReadSeq,
        Boolean removed,
        Boolean outboxPending,
        List<PendingEvent> pendingEvents) {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    /** Documents written before the outbox existed lack its fields. */
    public Member {
        removed = Boolean.TRUE.equals(removed);
        outboxPending = Boolean.TRUE.equals(outboxPending);
        pendingEvents = pendingEvents == null ? List.of() : pendingEvents;
    }

    public static String idOf(String conversationId, String userId) {
        return conversationId + "/" + userId;
    }

    public boolean canManage() {
        return OWNER.equals(role) || ADMIN.equals(role);
    }
}
