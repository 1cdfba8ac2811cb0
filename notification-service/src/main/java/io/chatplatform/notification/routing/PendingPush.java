package io.chatplatform.notification.routing;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A push waiting for its moment: after a short delay for offline recipients (so a message moderation hides at once
 * is never pushed), after the read grace for online ones (pushed only if still unread then).
 *
 * @param id           {@code eventId:userId}, so the same event schedules one push per recipient however often
 *                     it is delivered
 * @param claimedUntil an instance is sending it until then; the epoch when nobody is
 */
@Document(PendingPush.COLLECTION)
record PendingPush(
        @Id String id,
        String userId,
        MessageRef message,
        Instant dueAt,
        Instant claimedUntil) {

    static final String COLLECTION = "pending_pushes";
}
