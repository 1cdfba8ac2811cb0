package io.chatplatform.support.jwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The claims of an access token whose signature, issuer, audience, type and validity period were checked.
 *
 * @param subject   the user id ({@code sub})
 * @param roles     the {@code roles} claim, empty when absent
 * @param sessionId the login session ({@code sid}), may be {@code null}; revoking it revokes the refresh chain
 * @param expiresAt {@code exp}
 * @param claims    every claim, read-only
 */
public record VerifiedToken(
        String subject,
        List<String> roles,
        String sessionId,
        Instant expiresAt,
        Map<String, Object> claims) {

    public VerifiedToken {
        roles = roles == null ? List.of() : List.copyOf(roles);
        claims = claims == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
    }

    /** Whether the token carries the role, for example {@code moderator}. */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
