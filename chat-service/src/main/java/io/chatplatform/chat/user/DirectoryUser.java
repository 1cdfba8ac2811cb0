package io.chatplatform.chat.user;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One user as chat-service knows them from {@code auth.events}.
 *
 * @param id              the user id (auth-service's)
 * @param username        as registered; {@code null} while only a status change has arrived for the user
 * @param usernameLower   the username lowercased, unique: what mentions are matched on
 * @param status          {@link #ACTIVE} or {@link #BLOCKED}
 * @param statusChangedAt {@code changed_at} of the status change applied last; {@code null} before any, so that any
 *                        change applies
 */
@Document(UserStore.COLLECTION)
public record DirectoryUser(
        @Id String id,
        String username,
        String usernameLower,
        String status,
        Instant statusChangedAt) {

    public static final String ACTIVE = "active";
    public static final String BLOCKED = "blocked";

    public boolean isBlocked() {
        return BLOCKED.equals(status);
    }
}
