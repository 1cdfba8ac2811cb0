package io.chatplatform.support.jwt;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.io.AbstractSerializer;
import io.jsonwebtoken.security.Jwks;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.json.JsonMapper;

/** Signing side of the tests: what the auth service does, with jjwt and Jackson 3. */
final class TestJwts {

    static final String ISSUER = "https://auth.chat.test";
    static final String AUDIENCE = "chat-platform";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private TestJwts() {
    }

    static KeyPair newKeyPair() {
        return Jwts.SIG.ES256.keyPair().build();
    }

    /** A JWKS document with the given public keys, as the auth service serves it. */
    static String jwks(Map<String, KeyPair> keysByKid) {
        List<Map<String, Object>> keys = keysByKid.entrySet().stream()
                .map(entry -> Map.<String, Object>copyOf(new LinkedHashMap<>(Jwks.builder()
                        .key((ECPublicKey) entry.getValue().getPublic())
                        .id(entry.getKey())
                        .algorithm("ES256")
                        .publicKeyUse("sig")
                        .build())))
                .toList();
        return JSON.writeValueAsString(Map.of("keys", keys));
    }

    /** A valid access token for {@code user-1}, issued at {@code now}, valid 15 minutes. */
    static io.jsonwebtoken.JwtBuilder accessToken(KeyPair keys, String kid, Instant now) {
        return Jwts.builder()
                .json(new JacksonSerializer())
                .header()
                .keyId(kid)
                .type("at+jwt")
                .and()
                .issuer(ISSUER)
                .audience()
                .add(AUDIENCE)
                .and()
                .subject("user-1")
                .claim("roles", List.of("user", "moderator"))
                .claim("sid", "session-9")
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now))
                .expiration(Date.from(now.plusSeconds(900)))
                .signWith(keys.getPrivate(), Jwts.SIG.ES256);
    }

    static String base64url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static final class JacksonSerializer extends AbstractSerializer<Map<String, ?>> {
        @Override
        protected void doSerialize(Map<String, ?> map, OutputStream out) {
            JSON.writeValue(out, map);
        }
    }

    /** A clock the test moves by hand; jjwt's exp/nbf checks and the JWKS rate limit both read it. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(java.time.Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
