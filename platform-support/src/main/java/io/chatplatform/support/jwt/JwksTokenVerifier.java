package io.chatplatform.support.jwt;

import io.chatplatform.support.jwt.InvalidTokenException.Reason;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.InvalidClaimException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.security.SecurityException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Verifies access tokens issued by the auth service.
 *
 * <p>Checks, in order: compact JWS form; header {@code alg} is ES256 (the allowlist: {@code none}, HS256, even HS256
 * "signed" with our public key, and anything else are rejected before any key is touched); {@code typ} is
 * {@code at+jwt}; {@code kid} is in the JWKS; signature; {@code iss}; {@code aud}; {@code exp} and {@code nbf} with
 * {@code chat.jwt.clock-skew}; {@code sub} and {@code exp} present.
 *
 * <p>A token that passed is remembered by its exact text for a short while ({@link VerifiedTokens}: at most
 * {@value #MEMO_MAX_AGE_SECONDS} s and never past its {@code exp}), so the same token sent with every request is
 * checked once, not per request.
 *
 * <p>Threading: signature checking is CPU only and runs on the caller's thread (an event loop is fine); only the JWKS
 * fetch does I/O, reactively. Failures are {@link InvalidTokenException}s; the token itself is never logged.
 */
public final class JwksTokenVerifier {

    private static final String ALGORITHM = "ES256";
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    static final int MEMO_MAX_AGE_SECONDS = 60;
    /** About 1 KiB each: a few MiB at most. */
    private static final int MEMO_MAX_ENTRIES = 10_000;

    private final JwtProperties properties;
    private final Clock clock;
    private final JacksonJsonDeserializer json = new JacksonJsonDeserializer();
    private final Function<String, Mono<JwtParser>> parsersByKid;
    private final VerifiedTokens verified;
    private final Predicate<VerifiedToken> revoked;

    public JwksTokenVerifier(JwtProperties properties, WebClient webClient) {
        this(properties, webClient, Clock.systemUTC());
    }

    /** Keys from the JWKS at {@code chat.jwt.jwks-uri}, fetched and cached by {@link JwksKeyCache}. */
    public JwksTokenVerifier(JwtProperties properties, WebClient webClient, Clock clock) {
        this(properties, webClient, clock, token -> false);
    }

    /**
     * As above, and a token that passed every check is still refused ({@link Reason#SESSION_REVOKED}) when
     * {@code revoked} says its session was revoked ({@link SessionRevocations#isRevoked}).
     */
    public JwksTokenVerifier(JwtProperties properties, WebClient webClient, Clock clock,
                             Predicate<VerifiedToken> revoked) {
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.clock = Objects.requireNonNull(clock, "clock");
        JwksKeyCache<JwtParser> cache = new JwksKeyCache<>(properties, webClient, clock, this::parserFor);
        this.parsersByKid = cache::forKid;
        this.verified = memo(properties, clock);
    }

    /**
     * Keys from {@code resolver} instead of a JWKS URL (the auth service's own key ring); every other check is the
     * same. {@code properties.jwksUri()} and the JWKS settings are not used.
     */
    public JwksTokenVerifier(JwtProperties properties, SigningKeyResolver resolver, Clock clock) {
        this(properties, resolver, clock, token -> false);
    }

    /** Keys from {@code resolver}, and revoked sessions refused as with the JWKS constructor. */
    public JwksTokenVerifier(JwtProperties properties, SigningKeyResolver resolver, Clock clock,
                             Predicate<VerifiedToken> revoked) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(resolver, "resolver");
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        // A parser pins one key; keys are few and long-lived, so parsers are kept per key instance.
        ConcurrentMap<PublicKey, JwtParser> parsers = new ConcurrentHashMap<>();
        this.parsersByKid = kid -> resolver.keyFor(kid)
                .switchIfEmpty(Mono.error(() -> new InvalidTokenException(Reason.UNKNOWN_KEY, "unknown kid")))
                .map(key -> parsers.computeIfAbsent(key, this::parserFor));
        this.verified = memo(properties, clock);
    }

    private static VerifiedTokens memo(JwtProperties properties, Clock clock) {
        return new VerifiedTokens(clock, properties.clockSkew(), Duration.ofSeconds(MEMO_MAX_AGE_SECONDS),
                MEMO_MAX_ENTRIES);
    }

    /** Verifies a token; emits its claims or an {@link InvalidTokenException}. */
    public Mono<VerifiedToken> verify(String token) {
        VerifiedToken known = token == null ? null : verified.get(token);
        Mono<VerifiedToken> checked = known != null
                ? Mono.just(known)
                : Mono.fromCallable(() -> checkedKeyId(token))
                        .flatMap(parsersByKid)
                        .map(parser -> verified.remember(token, parse(parser, token)));
        return checked.handle((valid, sink) -> {
            if (revoked.test(valid)) {
                sink.error(new InvalidTokenException(Reason.SESSION_REVOKED, "session revoked"));
            } else {
                sink.next(valid);
            }
        });
    }

    /** Header checks before any key lookup, so bad tokens cannot trigger JWKS fetches unless they name a kid. */
    private String checkedKeyId(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException(Reason.MALFORMED, "empty token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidTokenException(Reason.MALFORMED, "not a compact JWS");
        }
        Map<String, ?> header;
        try {
            header = json.deserialize(BASE64URL.decode(parts[0].getBytes(StandardCharsets.US_ASCII)));
        } catch (RuntimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "unreadable header");
        }
        if (!ALGORITHM.equals(header.get("alg"))) {
            throw new InvalidTokenException(Reason.UNSUPPORTED_ALGORITHM, "alg must be " + ALGORITHM);
        }
        if (!isAccessTokenType(header.get("typ"))) {
            throw new InvalidTokenException(Reason.WRONG_TYPE, "typ must be at+jwt");
        }
        if (!(header.get("kid") instanceof String kid) || kid.isEmpty()) {
            throw new InvalidTokenException(Reason.UNKNOWN_KEY, "no kid");
        }
        return kid;
    }

    /** RFC 9068 {@code at+jwt}; RFC 7515 makes the comparison case-insensitive and the {@code application/} optional. */
    private static boolean isAccessTokenType(Object typ) {
        return typ instanceof String value
                && (value.equalsIgnoreCase("at+jwt") || value.equalsIgnoreCase("application/at+jwt"));
    }

    /** One parser per key, built once when the JWKS is fetched: it pins the algorithm, key, iss, aud and clock. */
    private JwtParser parserFor(PublicKey key) {
        return Jwts.parser()
                .json(json)
                .sig()
                .clear()
                .add(Jwts.SIG.ES256)
                .and()
                .verifyWith(key)
                .requireIssuer(properties.issuer())
                .requireAudience(properties.audience())
                .clock(() -> Date.from(clock.instant()))
                .clockSkewSeconds(properties.clockSkew().toSeconds())
                .build();
    }

    private VerifiedToken parse(JwtParser parser, String token) {
        Claims claims;
        try {
            claims = parser.parseSignedClaims(token).getPayload();
        } catch (JwtException e) {
            throw rejection(e);
        } catch (RuntimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "unparsable token");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw new InvalidTokenException(Reason.MISSING_CLAIM, "sub is required");
        }
        if (claims.getExpiration() == null) {
            throw new InvalidTokenException(Reason.MISSING_CLAIM, "exp is required");
        }
        return new VerifiedToken(
                claims.getSubject(),
                roles(claims.get("roles")),
                claims.get("sid", String.class),
                claims.getExpiration().toInstant(),
                claims);
    }

    /** Maps jjwt's exceptions to reasons; jjwt's messages may quote claim values, so they are not passed on. */
    private static InvalidTokenException rejection(JwtException e) {
        if (e instanceof ExpiredJwtException) {
            return new InvalidTokenException(Reason.EXPIRED, "token expired");
        }
        if (e instanceof PrematureJwtException) {
            return new InvalidTokenException(Reason.NOT_YET_VALID, "token not valid yet");
        }
        if (e instanceof InvalidClaimException claim) {
            return switch (claim.getClaimName()) {
                case Claims.ISSUER -> new InvalidTokenException(Reason.WRONG_ISSUER, "wrong or missing iss");
                case Claims.AUDIENCE -> new InvalidTokenException(Reason.WRONG_AUDIENCE, "wrong or missing aud");
                default -> new InvalidTokenException(Reason.MISSING_CLAIM, "invalid claim " + claim.getClaimName());
            };
        }
        if (e instanceof SecurityException) {
            return new InvalidTokenException(Reason.BAD_SIGNATURE, "signature does not verify");
        }
        return new InvalidTokenException(Reason.MALFORMED, e.getClass().getSimpleName());
    }

    private static List<String> roles(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        if (claim instanceof String single && !single.isBlank()) {
            return List.of(single);
        }
        return List.of();
    }
}
