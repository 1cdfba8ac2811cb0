package io.chatplatform.auth.account;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.OpaqueTokens;
import io.chatplatform.auth.Problems;
import io.chatplatform.auth.account.User.OneTimeToken;
import io.chatplatform.auth.events.AuthEvents;
import io.chatplatform.auth.ratelimit.AuthRateLimits;
import io.chatplatform.auth.session.SessionService;
import io.chatplatform.auth.web.ClientInfo;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.events.AccountStatusChanged;
import io.chatplatform.contracts.events.EmailVerificationRequested;
import io.chatplatform.contracts.events.PasswordResetRequested;
import io.chatplatform.contracts.events.SessionRevokeReason;
import io.chatplatform.contracts.events.UserRegistered;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Registration, email verification, password reset, roles and account status. Each change is one atomic write;
 * events follow it (see {@link AuthEvents} for the delivery policy).
 */
@Service
public class AccountService {

    private static final Logger log = LoggerFactory.getLogger(AccountService.class);

    private final UserStore users;
    private final PasswordHasher passwords;
    private final SessionService sessions;
    private final AuthRateLimits rateLimits;
    private final AuthEvents events;
    private final AuthProperties properties;
    private final Clock clock;
    private final Mono<Void> indexesReady;

    AccountService(UserStore users, PasswordHasher passwords, SessionService sessions, AuthRateLimits rateLimits,
            AuthEvents events, AuthProperties properties, Clock clock) {
        this.users = users;
        this.passwords = passwords;
        this.sessions = sessions;
        this.rateLimits = rateLimits;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
        // Registrations wait for the unique indexes: without them concurrent duplicates could both be stored.
        this.indexesReady = users.ensureIndexes().cache();
    }

    /** The unique indexes, created once; subscribed at startup so the first registration does not wait. */
    public Mono<Void> indexesReady() {
        return indexesReady;
    }

    /** Creates the account (409 naming the field when the username or email is taken) and asks for verification. */
    public Mono<User> register(Registration registration, ClientInfo client) {
        return rateLimits.checkRegistration(client.ip())
                // A taken name is refused before the password is hashed: a hash costs tens of milliseconds of CPU.
                .then(users.takenField(registration.username().toLowerCase(Locale.ROOT),
                        registration.email().toLowerCase(Locale.ROOT)))
                .flatMap(field -> Mono.<String>error(Problems.taken(field)))
                .then(passwords.hash(registration.password()))
                .map(hash -> newUser(registration, hash))
                .flatMap(user -> indexesReady.then(users.insert(user.user())).thenReturn(user))
                .onErrorMap(DuplicateKeyException.class, AccountService::taken)
                .doOnNext(this::publishRegistered)
                .map(NewUser::user);
    }

    /** Consumes a verification token; 400 on the {@code token} field when it is unknown, used or expired. */
    public Mono<User> verifyEmail(String token) {
        return users.verifyEmail(OpaqueTokens.hash(token), clock.instant())
                .switchIfEmpty(Mono.error(() -> Problems.invalidField("token", "is invalid, expired or already used")));
    }

    /** Sends a new verification token to an unverified account; 409 when already verified. */
    public Mono<Void> resendVerification(String userId) {
        String token = OpaqueTokens.newToken();
        Instant now = clock.instant();
        OneTimeToken stored = new OneTimeToken(OpaqueTokens.hash(token), now.plus(properties.emailVerificationTtl()));
        return users.replaceEmailVerification(userId, stored, now)
                .switchIfEmpty(Mono.error(() -> Problems.conflict("The email address is already verified.")))
                .doOnNext(user -> publishVerification(user, token, stored.expiresAt()))
                .then();
    }

    /**
     * Starts a reset if an active account has this email. Answers the same way, after the same database work,
     * whether or not it does, so the endpoint cannot be used to find out which emails are registered.
     */
    public Mono<Void> requestPasswordReset(String email, ClientInfo client) {
        String emailLower = email.strip().toLowerCase(Locale.ROOT);
        String token = OpaqueTokens.newToken();
        Instant now = clock.instant();
        OneTimeToken stored = new OneTimeToken(OpaqueTokens.hash(token), now.plus(properties.passwordResetTtl()));
        return rateLimits.checkPasswordReset(client.ip(), emailLower)
                .then(users.startPasswordReset(emailLower, stored, now))
                .doOnNext(user -> publishReset(user, token, stored.expiresAt()))
                .then();
    }

    /** Sets a new password with a reset token (single use) and revokes every session of the account. */
    public Mono<Void> confirmPasswordReset(String token, String newPassword) {
        return passwords.hash(newPassword)
                .flatMap(hash -> users.completePasswordReset(OpaqueTokens.hash(token), hash, clock.instant()))
                .switchIfEmpty(Mono.error(() -> Problems.invalidField("token", "is invalid, expired or already used")))
                .flatMap(user -> sessions.revokeAll(user.id(), null,
                        SessionRevokeReason.SESSION_REVOKE_REASON_PASSWORD_CHANGED))
                .then();
    }

    /**
     * Sets ACTIVE or BLOCKED. Blocking revokes every session at once; both directions publish
     * {@code user.status-changed}. Setting the current status again changes nothing and publishes nothing.
     */
    public Mono<StatusChange> setStatus(String userId, AccountStatus status, String reason, Actor actor) {
        String target = status == AccountStatus.ACCOUNT_STATUS_BLOCKED ? User.BLOCKED : User.ACTIVE;
        Instant now = clock.instant();
        return users.setStatus(userId, target, reason, now)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("No such user.")))
                .flatMap(previous -> applyStatusChange(previous, target, status, reason, actor, now));
    }

    /** Grants or revokes a grantable role; 404 for unknown users. */
    public Mono<User> setRole(String userId, String role, boolean granted) {
        Instant now = clock.instant();
        Mono<User> change = granted ? users.addRole(userId, role, now) : users.removeRole(userId, role, now);
        return change.switchIfEmpty(Mono.error(() -> Problems.notFound("No such user.")));
    }

    /** Grants admin to the configured usernames that exist (the others get it when they register). */
    public Mono<Long> grantConfiguredAdmins() {
        return users.grantAdmin(properties.normalizedAdminUsernames(), clock.instant())
                .doOnNext(count -> {
                    if (count > 0) {
                        log.info("Granted admin to {} configured account(s)", count);
                    }
                });
    }

    private Mono<StatusChange> applyStatusChange(User previous, String target, AccountStatus status, String reason,
            Actor actor, Instant now) {
        AccountStatus previousStatus = previous.isBlocked()
                ? AccountStatus.ACCOUNT_STATUS_BLOCKED
                : AccountStatus.ACCOUNT_STATUS_ACTIVE;
        if (previous.status().equals(target)) {
            return Mono.just(new StatusChange(previousStatus, status, 0, now));
        }
        Mono<Long> revoked = User.BLOCKED.equals(target)
                ? sessions.revokeAll(previous.id(), null, SessionRevokeReason.SESSION_REVOKE_REASON_ACCOUNT_BLOCKED)
                : Mono.just(0L);
        return revoked
                .doOnNext(count -> events.publish(previous.id(), envelope -> envelope.setAccountStatusChanged(
                        AccountStatusChanged.newBuilder()
                                .setUserId(previous.id())
                                .setPreviousStatus(previousStatus)
                                .setStatus(status)
                                .setReason(reason == null ? "" : reason)
                                .setActor(actor == null ? Actor.getDefaultInstance() : actor)
                                .setChangedAt(AuthEvents.timestamp(now)))))
                .map(count -> new StatusChange(previousStatus, status, count.intValue(), now));
    }

    private NewUser newUser(Registration registration, String passwordHash) {
        Instant now = clock.instant();
        String token = OpaqueTokens.newToken();
        OneTimeToken verification = new OneTimeToken(OpaqueTokens.hash(token),
                now.plus(properties.emailVerificationTtl()));
        String usernameLower = registration.username().toLowerCase(Locale.ROOT);
        String displayName = registration.displayName() == null || registration.displayName().isBlank()
                ? registration.username()
                : registration.displayName().strip();
        boolean admin = properties.normalizedAdminUsernames().contains(usernameLower);
        User user = new User(OpaqueTokens.newId(), registration.username(), usernameLower, registration.email(),
                registration.email().toLowerCase(Locale.ROOT), displayName, displayName.toLowerCase(Locale.ROOT), "",
                "", passwordHash, UserStore.initialRoles(admin), User.ACTIVE, null, false, verification, null, now,
                now);
        return new NewUser(user, token);
    }

    private void publishRegistered(NewUser created) {
        User user = created.user();
        events.publish(user.id(), envelope -> envelope.setUserRegistered(UserRegistered.newBuilder()
                .setUserId(user.id())
                .setUsername(user.username())
                .setDisplayName(user.shownName())
                .setEmail(user.email())
                .setRegisteredAt(AuthEvents.timestamp(user.createdAt()))));
        publishVerification(user, created.verificationToken(), user.emailVerification().expiresAt());
    }

    private void publishVerification(User user, String token, Instant expiresAt) {
        events.publish(user.id(), envelope -> envelope.setEmailVerificationRequested(
                EmailVerificationRequested.newBuilder()
                        .setUserId(user.id())
                        .setEmail(user.email())
                        .setDisplayName(user.shownName())
                        .setToken(token)
                        .setExpiresAt(AuthEvents.timestamp(expiresAt))));
    }

    private void publishReset(User user, String token, Instant expiresAt) {
        events.publish(user.id(), envelope -> envelope.setPasswordResetRequested(PasswordResetRequested.newBuilder()
                .setUserId(user.id())
                .setEmail(user.email())
                .setDisplayName(user.shownName())
                .setToken(token)
                .setExpiresAt(AuthEvents.timestamp(expiresAt))));
    }

    /** Which unique index refused the insert; MongoDB and the embedded server both name the index. */
    private static Throwable taken(DuplicateKeyException duplicate) {
        String message = String.valueOf(duplicate.getMessage());
        boolean email = message.contains("email_unique") || message.contains("emailLower");
        return Problems.taken(email ? "email" : "username");
    }

    /** What a registration asks for, already validated. */
    public record Registration(String username, String email, String password, String displayName) {

        @Override
        public String toString() {
            return "Registration[username=" + username + "]";
        }
    }

    /** Outcome of {@link #setStatus}. */
    public record StatusChange(AccountStatus previousStatus, AccountStatus status, int revokedSessions,
            Instant changedAt) {
    }

    private record NewUser(User user, String verificationToken) {
    }
}
