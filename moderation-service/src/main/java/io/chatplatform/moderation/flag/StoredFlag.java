package io.chatplatform.moderation.flag;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A message that needs or got a moderator's attention, in the {@code flags} collection.
 *
 * @param conversationKind a {@code ConversationKind} name
 * @param verdict          the automatic verdict that raised it ({@code ALLOW} for a user's report)
 * @param status           a {@code FlagStatus} name without its prefix: OPEN, APPROVED, HIDDEN, DISMISSED
 * @param reporterUserId   the member who reported the message; empty for flags from the rules
 */
@Document(StoredFlag.COLLECTION)
public record StoredFlag(
        @Id String id,
        String conversationId,
        String conversationKind,
        String messageId,
        long seq,
        String senderUserId,
        String text,
        String verdict,
        List<Reason> reasons,
        String status,
        Instant createdAt,
        Instant reviewedAt,
        String reviewedBy,
        String reviewNote,
        String reporterUserId) {

    public static final String COLLECTION = "flags";
    public static final String OPEN = "OPEN";
    public static final String APPROVED = "APPROVED";
    public static final String HIDDEN = "HIDDEN";
    public static final String DISMISSED = "DISMISSED";

    /**
     * One reason behind the flag.
     *
     * @param ruleId empty when not from a rule (a report)
     * @param code   e.g. {@code keyword}, {@code flood}, {@code report}
     */
    public record Reason(String ruleId, String code, String detail) {
    }
}
