package io.chatplatform.moderation.rules;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One rule as stored in the {@code rules} collection.
 *
 * @param id                  server-assigned id
 * @param name                short unique name
 * @param kind                a {@link RuleKind}
 * @param pattern             what to match; its meaning depends on the kind
 * @param action              a {@link RuleAction}
 * @param enabled             disabled rules are kept but not applied
 * @param conversationId      only in this conversation; empty = everywhere
 * @param strikeLimit         {@link RuleAction#STRIKE}: strikes within the window that block the sender
 * @param strikeWindowSeconds {@link RuleAction#STRIKE}: the window strikes are counted in
 * @param blockSeconds        {@link RuleAction#STRIKE}: block length; 0 = until unblocked
 * @param version             bumped by each update (optimistic concurrency)
 * @param createdAt           when it was created
 * @param updatedAt           when it last changed
 * @param createdBy           the moderator who created it
 */
@Document(StoredRule.COLLECTION)
public record StoredRule(
        @Id String id,
        String name,
        RuleKind kind,
        String pattern,
        RuleAction action,
        boolean enabled,
        String conversationId,
        int strikeLimit,
        long strikeWindowSeconds,
        long blockSeconds,
        long version,
        Instant createdAt,
        Instant updatedAt,
        String createdBy) {

    public static final String COLLECTION = "rules";

    /** Whether the rule applies to messages in the conversation. */
    public boolean appliesTo(String conversation) {
        return enabled && (conversationId == null || conversationId.isEmpty() || conversationId.equals(conversation));
    }
}
