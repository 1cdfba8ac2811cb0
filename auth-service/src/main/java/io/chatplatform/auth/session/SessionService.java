package io.chatplatform.auth.session;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.OpaqueTokens;
import io.chatplatform.auth.Problems;
import io.chatplatform.auth.account.PasswordHasher;
import io.chatplatform.auth.account.User;
import io.chatplatform.auth.account.UserStore;
import io.chatplatform.auth.events.AuthEvents;
import io.chatplatform.auth.ratelimit.AuthRateLimits;
import io.chatplatform.auth.token.AccessTokenIssuer;
import io.chatplatform.auth.web.ClientInfo;
import io.chatplatform.contracts.events.SessionRevokeReason;
import io.chatplatform.contracts.events.SessionRevoked;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Login, refresh-token rotation with reuse detection, logout and session revocation.
 *
 * <p>A session is one refresh-token chain. Each refresh replaces the token (atomically, see
 * {@link SessionStore#rotate}); presenting a token that was already rotated away means two parties hold the chain
 * (theft, or a client bug), so the whole session is revoked.
 */
@Service
public class SessionService {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    private final SessionStore sessions;
    private final UserStore users;
    private final PasswordHasher passwords;
    private final AccessTokenIssuer issuer;
    private final AuthRateLimits rateLimits;
    private final AuthEvents events;
    private final AuthProperties properties;
    private final Clock clock;

    SessionService(SessionStore sessions, UserStore users, PasswordHasher passwords, AccessTokenIssuer issuer,
            AuthRateLimits rateLimits, AuthEvents events, AuthProperties properties, Clock clock) {
        this.sessions = sessions;
        this.users = users;
        this.passwords = passwords;
        this.issuer = issuer;
        this.rateLimits = rateLimits;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Checks the password and starts a session. Unknown user and wrong password fail the same way after the same
     * BCrypt work; "blocked" is only said once the password was right.
     */
    public Mono<Tokens> login(String login, String password, ClientInfo client) {
        String normalized = login.strip().toLowerCase(Locale.ROOT);
        return rateLimits.checkLogin(client.ip(), normalized)
                .then(users.findByLogin(normalized)
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .flatMap(user -> checkPassword(user, password))
                .flatMap(user -> user.isBlocked() ? Mono.error(Problems.accountBlocked()) : Mono.just(user))
                .flatMap(user -> startSession(user, client));
    }

    /** Rotates the refresh token and issues a new access token for the same session. */
    public Mono<Tokens> refresh(String refreshToken) {
        Instant now = clock.instant();
        String presentedHash = OpaqueTokens.hash(refreshToken);
        String next = OpaqueTokens.newToken();
        return sessions.rotate(presentedHash, OpaqueTokens.hash(next), now.plus(properties.refreshTokenTtl()), now)
                .flatMap(session -> sessions.rememberRotated(presentedHash, session.id(), session.userId(), now)
                        .thenReturn(session))
                .flatMap(session -> issueForSession(session, next))
                .switchIfEmpty(Mono.defer(() -> reuseOrUnknown(presentedHash)));
    }

    /** Revokes the caller's own session. */
    public Mono<Void> logout(String userId, String sessionId) {
        return revoke(userId, sessionId, SessionRevokeReason.SESSION_REVOKE_REASON_LOGOUT)
                .then();
    }

    /** Revokes one of the user's sessions; 404 when it is not theirs or not live. */
    public Mono<Void> revokeOne(String userId, String sessionId) {
        return revoke(userId, sessionId, SessionRevokeReason.SESSION_REVOKE_REASON_USER_REVOKED)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("No such active session.")))
                .then();
    }

    /** Revokes all the user's sessions except {@code keepSessionId} ({@code null}: all); emits how many. */
    public Mono<Long> revokeAll(String userId, String keepSessionId, SessionRevokeReason reason) {
        Instant now = clock.instant();
        return sessions.revokeAll(userId, keepSessionId, reasonName(reason), now)
                .doOnNext(count -> events.publish(userId, envelope -> envelope.setSessionRevoked(
                        SessionRevoked.newBuilder()
                                .setUserId(userId)
                                .setAllSessions(keepSessionId == null)
                                .setReason(reason)
                                .setRevokedAt(AuthEvents.timestamp(now)))));
    }

    public reactor.core.publisher.Flux<Session> unrevoked(String userId) {
        return sessions.findUnrevoked(userId);
    }

    private Mono<Session> revoke(String userId, String sessionId, SessionRevokeReason reason) {
        Instant now = clock.instant();
        return sessions.revoke(sessionId, userId, reasonName(reason), now)
                .doOnNext(session -> publishRevoked(session, reason, now));
    }

    private Mono<User> checkPassword(Optional<User> user, String password) {
        Mono<Boolean> matches = user.isPresent()
                ? passwords.matches(password, user.get().passwordHash())
                : passwords.matchesNothing(password);
        return matches.flatMap(ok -> ok ? Mono.just(user.orElseThrow()) : Mono.error(Problems.invalidCredentials()));
    }

    private Mono<Tokens> startSession(User user, ClientInfo client) {
        Instant now = clock.instant();
        String refreshToken = OpaqueTokens.newToken();
        Session session = new Session(OpaqueTokens.newId(), user.id(), OpaqueTokens.hash(refreshToken),
                now.plus(properties.refreshTokenTtl()), client.userAgent(), client.ip(), now, now, null, null);
        return sessions.insert(session)
                .flatMap(stored -> issuer.issue(user.id(), user.roles(), stored.id())
                        .map(access -> tokens(access, refreshToken, stored, user)));
    }

    private Mono<Tokens> issueForSession(Session session, String refreshToken) {
        return users.findById(session.userId())
                .switchIfEmpty(Mono.error(Problems::invalidRefreshToken))
                .flatMap(user -> user.isBlocked()
                        ? revoke(user.id(), session.id(), SessionRevokeReason.SESSION_REVOKE_REASON_ACCOUNT_BLOCKED)
                                .then(Mono.error(Problems.accountBlocked()))
                        : issuer.issue(user.id(), user.roles(), session.id())
                                .map(access -> tokens(access, refreshToken, session, user)));
    }

    /** The presented token is not current: if it was rotated away, someone replays it, so end its session. */
    private Mono<Tokens> reuseOrUnknown(String presentedHash) {
        return sessions.findRotated(presentedHash)
                .flatMap(rotated -> revoke(rotated.userId(), rotated.sessionId(),
                        SessionRevokeReason.SESSION_REVOKE_REASON_REFRESH_REUSE)
                        .doOnNext(session -> log.warn("Refresh token reuse on session {} of user {}: session revoked",
                                session.id(), session.userId())))
                .then(Mono.error(Problems.invalidRefreshToken()));
    }

    private void publishRevoked(Session session, SessionRevokeReason reason, Instant now) {
        events.publish(session.userId(), envelope -> envelope.setSessionRevoked(SessionRevoked.newBuilder()
                .setUserId(session.userId())
                .setSessionId(session.id())
                .setReason(reason)
                .setRevokedAt(AuthEvents.timestamp(now))));
    }

    private Tokens tokens(AccessTokenIssuer.IssuedToken access, String refreshToken, Session session, User user) {
        long expiresIn = java.time.Duration.between(clock.instant(), access.expiresAt()).toSeconds();
        return new Tokens(access.token(), "Bearer", expiresIn, refreshToken, session.refreshExpiresAt(), session.id(),
                user.id());
    }

    static String reasonName(SessionRevokeReason reason) {
        return reason.name()
                .substring("SESSION_REVOKE_REASON_".length())
                .toLowerCase(Locale.ROOT)
                .replace('_', '-');
    }

    /**
     * What login and refresh answer.
     *
     * @param expiresIn seconds until the access token expires
     */
    public record Tokens(String accessToken, String tokenType, long expiresIn, String refreshToken,
            Instant refreshExpiresAt, String sessionId, String userId) {

        @Override
        public String toString() {
            return "Tokens[sessionId=" + sessionId + ", userId=" + userId + "]";
        }
    }
}
