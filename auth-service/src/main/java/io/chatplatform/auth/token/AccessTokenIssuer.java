package io.chatplatform.auth.token;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.OpaqueTokens;
import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Signs access tokens: ES256 JWS with {@code kid} and {@code typ: at+jwt} (RFC 9068), claims {@code iss}, {@code aud},
 * {@code sub} (user id), {@code roles}, {@code sid} (session id), {@code jti}, {@code iat}, {@code exp}.
 *
 * <p>Signing runs on {@code boundedElastic}: it is only a few hundred microseconds of CPU, but the JDK's ECDSA may
 * draw its nonce from the platform random generator, which reads {@code /dev/urandom} (blocking file I/O).
 */
@Component
public class AccessTokenIssuer {

    private static final JacksonJwtSerializer JSON = new JacksonJwtSerializer();

    private final KeyRing keyRing;
    private final AuthProperties properties;
    private final Clock clock;

    AccessTokenIssuer(KeyRing keyRing, AuthProperties properties, Clock clock) {
        this.keyRing = keyRing;
        this.properties = properties;
        this.clock = clock;
    }

    /** A signed token for the user's session. */
    public Mono<IssuedToken> issue(String userId, List<String> roles, String sessionId) {
        return keyRing.signingKey()
                .publishOn(Schedulers.boundedElastic())
                .map(key -> sign(key, userId, roles, sessionId));
    }

    private IssuedToken sign(SigningKey key, String userId, List<String> roles, String sessionId) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.accessTokenTtl());
        String token = Jwts.builder()
                .json(JSON)
                .random(OpaqueTokens.random())
                .header()
                .keyId(key.kid())
                .type("at+jwt")
                .and()
                .issuer(properties.issuer())
                .audience()
                .add(properties.audience())
                .and()
                .subject(userId)
                .claim("roles", roles)
                .claim("sid", sessionId)
                .id(OpaqueTokens.newId())
                .issuedAt(Date.from(now))
                .expiration(Date.from(expiresAt))
                .signWith(key.privateKey(), Jwts.SIG.ES256)
                .compact();
        return new IssuedToken(token, expiresAt);
    }

    /** A compact JWS and its {@code exp}. */
    public record IssuedToken(String token, Instant expiresAt) {

        @Override
        public String toString() {
            return "IssuedToken[expiresAt=" + expiresAt + "]";
        }
    }
}
