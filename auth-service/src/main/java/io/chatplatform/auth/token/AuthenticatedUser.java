package io.chatplatform.auth.token;

import io.chatplatform.auth.account.Roles;
import java.time.Instant;
import java.util.List;

/**
 * Who a valid access token belongs to, after the session and account were checked.
 *
 * @param roles the account's current roles (not the token's copy: a revoked role takes effect at once)
 */
public record AuthenticatedUser(String userId, String username, List<String> roles, String sessionId,
        Instant expiresAt) {

    /** The exchange attribute that holds it on authenticated REST requests. */
    public static final String ATTRIBUTE = "io.chatplatform.auth.token.AuthenticatedUser";

    public AuthenticatedUser {
        roles = List.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains(Roles.ADMIN);
    }
}
