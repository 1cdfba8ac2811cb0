package io.chatplatform.moderation.check;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * That a message (or one edit of it) from {@code chat.messages} was checked, and the outcome, in {@code verdicts}.
 * A record that is found again is skipped; reports look messages up here for their snapshot.
 *
 * @param fact    the message id, or {@code <message id>@<change seq>} for an edit
 * @param verdict a {@code Verdict} name
 */
@Document(VerdictRecord.COLLECTION)
public record VerdictRecord(@Id String fact, String messageId, String conversationId, String conversationKind,
        long seq, String senderUserId, String text, String verdict, String flagId, Instant checkedAt) {

    public static final String COLLECTION = "verdicts";
}
