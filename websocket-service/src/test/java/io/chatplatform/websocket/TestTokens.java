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
        return sign(userId, KEYS, KID, now, now.plus(Duration.ofMinutes(15)));
    }

    /** Tokens the service must refuse, by what is wrong with them. */
    public static Map<String, String> refusedTokensFor(String userId) {
        Instant now = Instant.now();
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        tokens.put("signed by another key", sign(userId, Jwts.SIG.ES256.keyPair().build(), KID, now,
                now.plusSeconds(600)));
        tokens.put("unknown kid", sign(userId, KEYS, "no-such-kid", now, now.plusSeconds(600)));
        tokens.put("expired", sign(userId, KEYS, KID, now.minusSeconds(3600), now.minusSeconds(600)));
        String valid = tokenFor(userId);
        String[] parts = valid.split("\\.");
        java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
        tokens.put("alg none", base64.encodeToString(("{\"alg\":\"none\",\"kid\":\"" + KID
                + "\",\"typ\":\"at+jwt\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[1] + ".");
        tokens.put("tampered", parts[0] + "." + base64.encodeToString(new String(java.util.Base64.getUrlDecoder()
                .decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8).replace(userId, "someone-else")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2]);
        return tokens;
    }

    private static String sign(String userId, KeyPair keys, String kid, Instant issuedAt, Instant expiresAt) {
        return Jwts.builder()
                .json(new AbstractSerializer<Map<String, ?>>() {
                    @Override
                    protected void doSerialize(Map<String, ?> value, OutputStream out) {
                        JSON.writeValue(out, value);
                    }
                })
                .header().keyId(kid).type("at+jwt").and()
                .issuer("chat-platform")
                .audience().add("chat-platform").and()
                .subject(userId)
                .claim("sid", "s-" + userId)
                .claim("roles", List.of("user"))
                .issuedAt(Date.from(issuedAt))
                .expiration(Date.from(expiresAt))
                .signWith(keys.getPrivate(), Jwts.SIG.ES256)
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
