package io.chatplatform.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * auth-service settings under {@code chat.auth}; the defaults work on a laptop and in standalone.
 *
 * @param issuer            {@code iss} of issued access tokens (other services' {@code chat.jwt.issuer})
 * @param audience          {@code aud} of issued access tokens (other services' {@code chat.jwt.audience})
 * @param accessTokenTtl    access-token lifetime
 * @param refreshTokenTtl   refresh-token (session) lifetime without use; each refresh starts it again
 * @param clockSkew         tolerance for {@code exp}/{@code nbf}; also how long a retired key stays published after
 *                          its last token expired
 * @param emailVerificationTtl lifetime of an email verification token
 * @param passwordResetTtl  lifetime of a password reset token
 * @param adminUsernames    users who get the admin role when they register, or at startup if they exist
 * @param keys              signing keys from configuration (PEM); the first signs, the others are only published.
 *                          Empty: a key is generated and kept in MongoDB (collection {@code signing_keys})
 * @param keyCacheTtl       how long an instance keeps the key ring before re-reading it from MongoDB (so a
 *                          rotation by one instance reaches the others)
 * @param serviceSecret     shared secret other services send as {@code authorization: Bearer <secret>} for
 *                          {@code SetAccountStatus}; empty means nobody may call it
 * @param trustForwardedFor take the client IP from the last {@code X-Forwarded-For} entry (only behind the gateway,
 *                          which appends the address it saw)
 * @param rateLimits        per-IP and per-account limits
 * @param search            user search page sizes
 */
@Validated
@ConfigurationProperties("chat.auth")
public record AuthProperties(
        @DefaultValue("chat-platform") @NotBlank String issuer,
        @DefaultValue("chat-platform") @NotBlank String audience,
        @DefaultValue("15m") @NotNull @DurationMin(seconds = 30) @DurationMax(hours = 24) Duration accessTokenTtl,
        @DefaultValue("30d") @NotNull @DurationMin(minutes = 1) Duration refreshTokenTtl,
        @DefaultValue("30s") @NotNull @DurationMax(minutes = 5) Duration clockSkew,
        @DefaultValue("48h") @NotNull @DurationMin(minutes = 1) Duration emailVerificationTtl,
        @DefaultValue("30m") @NotNull @DurationMin(minutes = 1) Duration passwordResetTtl,
        @DefaultValue List<String> adminUsernames,
        @DefaultValue List<@Valid ConfiguredKey> keys,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 0) Duration keyCacheTtl,
        @DefaultValue("") String serviceSecret,
        @DefaultValue("false") boolean trustForwardedFor,
        @DefaultValue @NotNull @Valid RateLimits rateLimits,
        @DefaultValue @NotNull @Valid Search search) {

    /** Admin usernames, lowercased as usernames are compared. */
    public Set<String> normalizedAdminUsernames() {
        return adminUsernames.stream()
                .map(name -> name.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * A configured ES256 key pair.
     *
     * @param kid        the {@code kid} header and JWK id
     * @param privateKey PKCS#8 PEM of the P-256 private key
     * @param publicKey  X.509 (SubjectPublicKeyInfo) PEM of the matching public key
     */
    public record ConfiguredKey(@NotBlank String kid, @NotBlank String privateKey, @NotBlank String publicKey) {

        @Override
        public String toString() {
            // Never print the private key (actuator, logs, validation messages).
            return "ConfiguredKey[kid=" + kid + "]";
        }
    }

    /** Fixed-window limits; one window per limit. */
    public record RateLimits(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1m") @NotNull @DurationMin(seconds = 1) Duration window,
            @DefaultValue("30") @Min(1) int loginPerIp,
            @DefaultValue("10") @Min(1) int loginPerAccount,
            @DefaultValue("10") @Min(1) int registerPerIp,
            @DefaultValue("10") @Min(1) int resetPerIp,
            @DefaultValue("3") @Min(1) int resetPerAccount) {
    }

    /** Page sizes of {@code GET /api/users?query=}. */
    public record Search(
            @DefaultValue("20") @Min(1) @Max(100) int defaultLimit,
            @DefaultValue("50") @Min(1) @Max(200) int maxLimit) {
    }

    @Override
    public String toString() {
        return "AuthProperties[issuer=" + issuer + ", audience=" + audience + ", keys=" + keys
                + ", serviceSecret=" + (serviceSecret.isEmpty() ? "unset" : "****") + "]";
    }
}
