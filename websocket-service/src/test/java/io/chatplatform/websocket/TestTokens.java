package io.chatplatform.websocket;

import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.JwtProperties;
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
        Instant now = Instant.now();
        return Jwts.builder()
                .json(new AbstractSerializer<Map<String, ?>>() {
                    @Override
                    protected void doSerialize(Map<String, ?> value, OutputStream out) {
                        JSON.writeValue(out, value);
                    }
                })
                .header().keyId(KID).type("at+jwt").and()
                .issuer("chat-platform")
                .audience().add("chat-platform").and()
                .subject(userId)
                .claim("sid", "s-" + userId)
                .claim("roles", List.of("user"))
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(Duration.ofMinutes(15))))
                .signWith(KEYS.getPrivate(), Jwts.SIG.ES256)
                .compact();
    }

    /** Replaces the JWKS-fetching verifier. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        @Primary
        JwksTokenVerifier testTokenVerifier() {
            JwtProperties properties = JwtProperties.of(URI.create("http://unused.invalid/jwks"), "chat-platform",
                    "chat-platform");
            JwksTokenVerifier verifier = new JwksTokenVerifier(properties,
                    kid -> KID.equals(kid) ? Mono.just(KEYS.getPublic()) : Mono.empty(), Clock.systemUTC());
            // jjwt loads its services (classpath reads) on first use: do that here, not on an event loop.
            verifier.verify(tokenFor("warm-up")).block();
            return verifier;
        }
    }
}
