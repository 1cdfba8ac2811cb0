package io.chatplatform.gateway.edge;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What the gateway enforces on every request, under {@code chat.gateway} (backends are
 * {@link io.chatplatform.gateway.routing.ServiceRoutes}, under {@code chat.gateway.routes}).
 *
 * @param trustForwardedFor take the client's address from the last {@code X-Forwarded-For} entry and TLS from
 *                          {@code X-Forwarded-Proto}: only behind a proxy (load balancer, ingress) that sets both,
 *                          else any client could pick its own address and escape its rate limit
 * @param maxRequestSize    largest request body; a larger one is refused with 413 before it reaches a service
 * @param rateLimit         per-IP limit on {@code /api/**} and the {@code /ws} upgrade
 * @param securityHeaders   headers added to every response
 */
@Validated
@ConfigurationProperties("chat.gateway")
public record EdgeProperties(
        @DefaultValue("false") boolean trustForwardedFor,
        @DefaultValue("1MB") @NotNull DataSize maxRequestSize,
        @DefaultValue @Valid @NotNull RateLimit rateLimit,
        @DefaultValue @Valid @NotNull SecurityHeaders securityHeaders) {

    public EdgeProperties {
        if (maxRequestSize != null && maxRequestSize.toBytes() < 1) {
            throw new IllegalArgumentException("chat.gateway.max-request-size must be at least 1 byte");
        }
    }

    /**
     * A fixed window per client IP, counted in Redis so every gateway instance shares it.
     *
     * @param enabled  whether requests are counted at all (off for load tests from a few addresses)
     * @param requests requests one IP may make per window; the next one gets 429 with {@code Retry-After}
     * @param window   length of the window, which starts with an IP's first request
     */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("600") @Min(1) @Max(1_000_000) int requests,
            @DefaultValue("1m") @NotNull @DurationMin(seconds = 1) @DurationMax(hours = 24) Duration window) {
    }

    /**
     * @param contentSecurityPolicy the {@code Content-Security-Policy}; the default allows scripts, styles and
     *                              connections only from the gateway's own origin (no inline script, no
     *                              {@code eval}), WebSockets, and no framing
     * @param referrerPolicy        the {@code Referrer-Policy}
     * @param hstsMaxAge            {@code max-age} of {@code Strict-Transport-Security}, sent only on requests that
     *                              arrived over TLS; {@code 0s} tells browsers to forget an earlier one
     */
    public record SecurityHeaders(
            @DefaultValue(DEFAULT_CONTENT_SECURITY_POLICY) @NotBlank String contentSecurityPolicy,
            @DefaultValue("no-referrer") @NotBlank String referrerPolicy,
            @DefaultValue("365d") @NotNull @DurationMin(seconds = 0) Duration hstsMaxAge) {

        /** Same origin only; {@code ws:}/{@code wss:} because older browsers do not count them as {@code 'self'}. */
        public static final String DEFAULT_CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
                + "style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; "
                + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }
}
