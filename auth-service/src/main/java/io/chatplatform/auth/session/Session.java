package io.chatplatform.auth.session;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A login session in collection {@code sessions}: one refresh-token chain. Access tokens name it in {@code sid};
 * revoking it ends the chain and every access token issued for it.
 *
 * @param refreshHash      SHA-256 of the current refresh token (unique index)
 * @param refreshExpiresAt the current refresh token's expiry
 * @param revokedAt        when it was revoked, {@code null} while live
 * @param revokeReason     why: logout, user-revoked, password-changed, account-blocked, refresh-reuse
 */
@Document(SessionStore.COLLECTION)
public record Session(
        @Id String id,
        String userId,
        String refreshHash,
        Instant refreshExpiresAt,
        String userAgent,
        String ip,
        Instant createdAt,
        Instant lastUsedAt,
        Instant revokedAt,
        String revokeReason) {

    public boolean isLive(Instant now) {
        return revokedAt == null && refreshExpiresAt.isAfter(now);
    }
}
