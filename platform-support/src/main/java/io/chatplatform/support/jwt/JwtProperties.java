package io.chatplatform.support.jwt;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Access-token verification settings under {@code chat.jwt}.
 *
 * @param jwksUri                the auth service's {@code /.well-known/jwks.json}
 * @param issuer                 required {@code iss}
 * @param audience               required member of {@code aud}
 * @param clockSkew              tolerance for {@code exp}/{@code nbf} between hosts' clocks (at most 5 minutes)
 * @param jwksRefreshMinInterval minimum time between two JWKS fetches: a flood of tokens with unknown {@code kid}s
 *                               causes at most one fetch per interval
 * @param jwksMaxAge             keys older than this are re-fetched on next use, so a key removed from the JWKS
 *                               (compromised) stops being trusted without a restart
 * @param jwksFetchTimeout       timeout of one JWKS request
 * @param revocationWindow       how long a revoked session is remembered ({@link SessionRevocations}): at least the
 *                               longest access-token lifetime (auth-service's {@code chat.auth.access-token-ttl}, 15
 *                               minutes) plus the clock skew, after which its tokens have expired anyway
 */
@Validated
@ConfigurationProperties("chat.jwt")
public record JwtProperties(
        @NotNull URI jwksUri,
        @DefaultValue("chat-platform") @NotBlank String issuer,
        @DefaultValue("chat-platform") @NotBlank String audience,
        @DefaultValue("30s") @NotNull @DurationMax(minutes = 5) Duration clockSkew,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 0) Duration jwksRefreshMinInterval,
        @DefaultValue("10m") @NotNull @DurationMin(seconds = 1) Duration jwksMaxAge,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration jwksFetchTimeout,
        @DefaultValue("20m") @NotNull @DurationMin(minutes = 1) Duration revocationWindow) {

    /** Settings with the defaults above; for tests and tools. */
    public static JwtProperties of(URI jwksUri, String issuer, String audience) {
        return new JwtProperties(jwksUri, issuer, audience, Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMinutes(20));
    }

    /** A copy with another minimum refresh interval. */
    public JwtProperties withJwksRefreshMinInterval(Duration interval) {
        return new JwtProperties(jwksUri, issuer, audience, clockSkew, interval, jwksMaxAge, jwksFetchTimeout,
                revocationWindow);
    }
}
