package io.chatplatform.moderation.block;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A block moderation applied, in the {@code blocks} collection (one per blocked user). auth-service holds the account
 * status itself; this is what moderation needs to lift timed blocks and to answer "already blocked".
 *
 * @param userId the blocked user
 * @param until  when the block ends by itself; {@code null} = until unblocked
 */
@Document(StoredBlock.COLLECTION)
public record StoredBlock(@Id String userId, String reason, Instant blockedAt, String blockedBy, Instant until) {

    public static final String COLLECTION = "blocks";
}
