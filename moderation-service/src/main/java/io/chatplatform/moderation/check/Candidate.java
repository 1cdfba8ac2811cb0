package io.chatplatform.moderation.check;

import io.chatplatform.contracts.common.ConversationRef;
import java.time.Instant;

/**
 * A message to check.
 *
 * @param messageId empty for a text that is not stored (nothing is recorded or counted for it)
 * @param sentAt    when it was sent: rate windows end there, so checking it again counts the same
 */
public record Candidate(String messageId, ConversationRef conversation, long seq, String senderUserId, String text,
        Instant sentAt) {

    public boolean isStored() {
        return !messageId.isEmpty();
    }
}
