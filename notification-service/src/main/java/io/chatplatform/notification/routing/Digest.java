package io.chatplatform.notification.routing;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A user's next digest email: due {@code emailDelayMinutes} after its first entry, so one email collects every
 * message that arrived meanwhile.
 *
 * @param userId       the recipient, the id
 * @param claimedUntil an instance is sending it until then; the epoch when nobody is
 */
@Document(Digest.COLLECTION)
record Digest(@Id String userId, Instant dueAt, Instant claimedUntil) {

    static final String COLLECTION = "digests";
}
