package io.chatplatform.chat;

import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.JwtProperties;
import io.chatplatform.support.jwt.SessionRevocations;
import org.springframework.beans.factory.ObjectProvider;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.io.AbstractSerializer;
import java.io.OutputStream;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Access tokens signed with a key made for this JVM, and a verifier that trusts it (no auth-service needed). */
public final class TestTokens {

    private static final String KID = "test-key";
    private static final KeyPair KEYS = Jwts.SIG.ES256.keyPair().build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestTokens() {
    }

    /** A valid token for the user. */
    public static String tokenFor(String userId) {
        return sign(userId, KEYS, List.of("user"), null, Instant.now());
    }

    /** A valid token for the user's login session {@code sessionId}, issued at {@code issuedAt}. */
    public static String tokenFor(String userId, String sessionId, Instant issuedAt) {
        return sign(userId, KEYS, List.of("user"), sessionId, issuedAt);
    }

    /** A valid token for a user with the platform's moderator role. */
    public static String moderatorTokenFor(String userId) {
        return sign(userId, KEYS, List.of("user", "moderator"), null, Instant.now());
    }

    /** A well-formed token signed by a key the service does not trust. */
    public static String foreignToken(String userId) {
        return sign(userId, Jwts.SIG.ES256.keyPair().build(), List.of("user"), null, Instant.now());
    }

    private static String sign(String userId, KeyPair keys, List<String> roles, String sessionId, Instant now) {
        return Jwts.builder()
                .json(new AbstractSerializer<Map<String, ?>>() {
                    @Override
                    protected void doSerialize(Map<String, ?> value, OutputStream out) {
                        JSON.writeValue(out, value);
                    }
                })
                .header()
                .keyId(KID)
                .type("at+jwt")
                .and()
                .issuer("chat-platform")
                .audience()
                .add("chat-platform")
                .and()
                .subject(userId)
                .claim("roles", roles)
                .claim("sid", sessionId)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(Duration.ofMinutes(15))))
                .signWith(keys.getPrivate(), Jwts.SIG.ES256)
                .compact();
    }

    /** Replaces the JWKS-fetching verifier; imported by the ITs and added to every extra context they start. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        @Primary
        JwksTokenVerifier testTokenVerifier(ObjectProvider<SessionRevocations> revocations) {
            JwtProperties properties = JwtProperties.of(URI.create("http://unused.invalid/jwks"), "chat-platform",
                    "chat-platform");
            JwksTokenVerifier verifier = new JwksTokenVerifier(properties,
                    kid -> KID.equals(kid) ? Mono.just(KEYS.getPublic()) : Mono.empty(), Clock.systemUTC(),
                    token -> revocations.getIfAvailable() != null && revocations.getIfAvailable().isRevoked(token));
            // jjwt loads its services (classpath reads) on first use: do that here, on the test thread, not on an
            // event loop where BlockHound would refuse it. The JWKS-fetching verifier does the same on its first fetch.
            verifier.verify(tokenFor("warm-up")).block();
            return verifier;
        }
    }
}
