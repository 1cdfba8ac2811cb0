package io.chatplatform.auth.token;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.account.User;
import io.chatplatform.auth.account.UserStore;
import io.chatplatform.auth.session.SessionStore;
import io.chatplatform.contracts.auth.TokenFailure;
import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.JwtProperties;
import io.chatplatform.support.jwt.VerifiedToken;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one check behind REST authentication and gRPC {@code ValidateToken}: platform-support's
 * {@link JwksTokenVerifier} (algorithm allowlist, {@code typ}, {@code kid}, signature, {@code iss}, {@code aud},
 * {@code exp}, {@code nbf}) against the local key ring, then the session is live and the account active.
 */
@Component
public class AccessTokenValidator {

    private final JwksTokenVerifier verifier;
    private final SessionStore sessions;
    private final UserStore users;

    AccessTokenValidator(KeyRing keyRing, AuthProperties properties, Clock clock, SessionStore sessions,
            UserStore users) {
        // The JWKS settings of JwtProperties are unused with a resolver; the URI only documents where keys come from.
        JwtProperties jwt = new JwtProperties(URI.create("urn:chat-platform:auth-service:key-ring"),
                properties.issuer(), properties.audience(), properties.clockSkew(), Duration.ZERO,
                // Sessions are checked in the database here, so no revocation window is needed.
                Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMinutes(20));
        this.verifier = new JwksTokenVerifier(jwt, keyRing::verificationKey, clock);
        this.sessions = sessions;
        this.users = users;
    }

    /** The token's user, or a {@link TokenRejectedException}. */
    public Mono<AuthenticatedUser> validate(String token) {
        return verifier.verify(token)
                .onErrorMap(InvalidTokenException.class, AccessTokenValidator::rejection)
                .flatMap(this::checkSessionAndAccount);
    }

    private Mono<AuthenticatedUser> checkSessionAndAccount(VerifiedToken token) {
        if (token.sessionId() == null || token.sessionId().isBlank()) {
            return Mono.error(new TokenRejectedException(TokenFailure.TOKEN_FAILURE_INVALID_CLAIMS, "sid is required"));
        }
        return sessions.findById(token.sessionId())
                .filter(session -> session.userId().equals(token.subject()) && session.revokedAt() == null)
                .switchIfEmpty(Mono.error(() -> new TokenRejectedException(
                        TokenFailure.TOKEN_FAILURE_SESSION_REVOKED, "session revoked")))
                .then(users.findById(token.subject()))
                .switchIfEmpty(Mono.error(() -> new TokenRejectedException(
                        TokenFailure.TOKEN_FAILURE_UNKNOWN_USER, "no such user")))
                .flatMap(user -> activeUser(user, token));
    }

    private static Mono<AuthenticatedUser> activeUser(User user, VerifiedToken token) {
        if (user.isBlocked()) {
            return Mono.error(new TokenRejectedException(TokenFailure.TOKEN_FAILURE_ACCOUNT_BLOCKED,
                    "account blocked"));
        }
        return Mono.just(new AuthenticatedUser(user.id(), user.username(), user.roles(), token.sessionId(),
                token.expiresAt()));
    }

    private static TokenRejectedException rejection(InvalidTokenException error) {
        TokenFailure failure = switch (error.reason()) {
            case MALFORMED, UNSUPPORTED_ALGORITHM, WRONG_TYPE -> TokenFailure.TOKEN_FAILURE_MALFORMED;
            case UNKNOWN_KEY, BAD_SIGNATURE -> TokenFailure.TOKEN_FAILURE_BAD_SIGNATURE;
            case EXPIRED -> TokenFailure.TOKEN_FAILURE_EXPIRED;
            case NOT_YET_VALID, WRONG_ISSUER, WRONG_AUDIENCE, MISSING_CLAIM ->
                    TokenFailure.TOKEN_FAILURE_INVALID_CLAIMS;
            case JWKS_UNAVAILABLE -> TokenFailure.TOKEN_FAILURE_UNSPECIFIED;
            case SESSION_REVOKED -> TokenFailure.TOKEN_FAILURE_SESSION_REVOKED;
        };
        // The reason is safe to show (it says what check failed, not what the token holds).
        return new TokenRejectedException(failure, error.getMessage());
    }
}
