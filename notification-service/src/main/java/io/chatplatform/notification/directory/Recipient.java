package io.chatplatform.notification.directory;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What this service knows of a user from {@code auth.events}: how to greet them, where to email them and whether
 * they are blocked. Fields may be null for a user known only from some events.
 *
 * @param statusChangedAt when the stored blocked flag was decided; older status events are ignored
 */
@Document(Recipient.COLLECTION)
public record Recipient(
        @Id String userId,
        String username,
        String displayName,
        String email,
        String locale,
        // Indexed: the blocked users are read as one set (RecipientDirectory.isBlocked).
        @Indexed boolean blocked,
        Instant statusChangedAt) {

    static final String COLLECTION = "recipients";

    /** The name to show: the display name, else the username, else a neutral word. */
    public String name() {
        if (displayName != null && !displayName.isBlank()) {
            return displayName;
        }
        return username != null && !username.isBlank() ? username : "Someone";
    }
}
