package io.chatplatform.auth.account;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An account in collection {@code users}. {@code usernameLower} and {@code emailLower} carry the unique indexes,
 * so uniqueness is case-insensitive and holds under concurrent registrations.
 *
 * @param emailVerification pending verification token (hash and expiry), {@code null} once verified
 * @param passwordReset     pending reset token (hash and expiry), {@code null} when none
 */
@Document(UserStore.COLLECTION)
public record User(
        @Id String id,
        String username,
        String usernameLower,
        String email,
        String emailLower,
        String displayName,
        String displayNameLower,
        String avatarUrl,
        String about,
        String passwordHash,
        List<String> roles,
        String status,
        String statusReason,
        boolean emailVerified,
        OneTimeToken emailVerification,
        OneTimeToken passwordReset,
        Instant createdAt,
        Instant updatedAt) {

    public static final String ACTIVE = "active";
    public static final String BLOCKED = "blocked";

    public User {
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    public boolean isBlocked() {
        return BLOCKED.equals(status);
    }

    /** Shown name: the display name, or the username when there is none. */
    public String shownName() {
        return displayName == null || displayName.isBlank() ? username : displayName;
    }

    /**
     * A single-use token's stored form.
     *
     * @param hash      SHA-256 of the token (see {@link io.chatplatform.auth.OpaqueTokens#hash})
     * @param expiresAt after this the token is refused
     */
    public record OneTimeToken(String hash, Instant expiresAt) {
    }
}
