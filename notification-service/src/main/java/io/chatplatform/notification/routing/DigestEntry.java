package io.chatplatform.notification.routing;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One message waiting in a user's next digest email.
 *
 * @param id {@code userId:messageId}: a message is listed once
 */
@Document(DigestEntry.COLLECTION)
record DigestEntry(
        @Id String id,
        @Indexed String userId,
        MessageRef message,
        Instant addedAt) {

    static final String COLLECTION = "digest_entries";
}
