package io.chatplatform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.auth.token.KeyRing;
import io.chatplatform.auth.token.SigningKey;
import io.chatplatform.contracts.auth.AuthServiceGrpc;
import io.chatplatform.contracts.auth.TokenFailure;
import io.chatplatform.contracts.auth.ValidateTokenRequest;
import io.chatplatform.contracts.auth.ValidateTokenResponse;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.JwtProperties;
import io.chatplatform.support.jwt.VerifiedToken;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.io.AbstractSerializer;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forged and broken tokens against a protected endpoint and gRPC ValidateToken; key rotation; and verification
 * by another service that knows only the JWKS URL.
 */
class TokenSecurityIT extends AuthServiceITSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private KeyRing keyRing;

    @Test
    void refusesForgedAndBrokenTokensOnRestAndGrpc() throws Exception {
        String username = uniqueName("victim");
        String userId = register(username);
        String valid = accessToken(username);
        String sid = (String) JSON.readValue(Base64.getUrlDecoder().decode(valid.split("\\.")[1]), Map.class)
                .get("sid");
        SigningKey key = keyRing.signingKey().block(TIMEOUT);
        Instant now = clock.instant();

        Map<String, String> attacks = new java.util.LinkedHashMap<>();
        attacks.put("alg none", unsigned(header("none", "at+jwt", key.kid()), claims(userId, sid, now)));
        attacks.put("HS256 with the public key", hs256WithPublicKey(key, userId, sid, now));
        attacks.put("wrong aud", token(key, userId, sid, now).audience().single("another-app").compact());
        attacks.put("wrong iss", token(key, userId, sid, now).issuer("https://evil.example").compact());
        attacks.put("wrong typ", Jwts.builder().json(new Serializer()).header().keyId(key.kid()).type("JWT").and()
                .issuer("chat-platform").audience().add("chat-platform").and().subject(userId).claim("sid", sid)
                .expiration(Date.from(now.plusSeconds(600))).signWith(key.privateKey(), Jwts.SIG.ES256).compact());
        attacks.put("expired", token(key, userId, sid, now.minusSeconds(3600))
                .expiration(Date.from(now.minusSeconds(120))).compact());
        attacks.put("not yet valid", token(key, userId, sid, now).notBefore(Date.from(now.plusSeconds(600)))
                .compact());
        attacks.put("tampered", tamper(valid));
        attacks.put("unknown kid", Jwts.builder().json(new Serializer()).header().keyId("no-such-kid")
                .type("at+jwt").and().issuer("chat-platform").audience().add("chat-platform").and().subject(userId)
                .claim("sid", sid).expiration(Date.from(now.plusSeconds(600)))
                .signWith(Jwts.SIG.ES256.keyPair().build().getPrivate(), Jwts.SIG.ES256).compact());

        Map<String, TokenFailure> expected = Map.of(
                "alg none", TokenFailure.TOKEN_FAILURE_MALFORMED,
                "HS256 with the public key", TokenFailure.TOKEN_FAILURE_MALFORMED,
                "wrong aud", TokenFailure.TOKEN_FAILURE_INVALID_CLAIMS,
                "wrong iss", TokenFailure.TOKEN_FAILURE_INVALID_CLAIMS,
                "wrong typ", TokenFailure.TOKEN_FAILURE_MALFORMED,
                "expired", TokenFailure.TOKEN_FAILURE_EXPIRED,
                "not yet valid", TokenFailure.TOKEN_FAILURE_INVALID_CLAIMS,
                "tampered", TokenFailure.TOKEN_FAILURE_BAD_SIGNATURE,
                "unknown kid", TokenFailure.TOKEN_FAILURE_BAD_SIGNATURE);
        var grpc = AuthServiceGrpc.newBlockingStub(grpcChannel());
        for (var attack : attacks.entrySet()) {
            getMe(attack.getValue()).expectStatus().isUnauthorized()
                    .expectHeader().valueEquals("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                    .expectBody().jsonPath("$.status").isEqualTo(401);
            ValidateTokenResponse response = grpc.validateToken(ValidateTokenRequest.newBuilder()
                    .setToken(attack.getValue()).build());
            assertThat(response.hasPrincipal()).as(attack.getKey()).isFalse();
            assertThat(response.getFailure()).as(attack.getKey()).isEqualTo(expected.get(attack.getKey()));
        }

        ValidateTokenResponse ok = grpc.validateToken(ValidateTokenRequest.newBuilder().setToken(valid).build());
        assertThat(ok.getPrincipal().getUserId()).isEqualTo(userId);
        assertThat(ok.getPrincipal().getUsername()).isEqualTo(username);
        assertThat(ok.getPrincipal().getRolesList()).containsExactly("user");
        assertThat(ok.getPrincipal().getSessionId()).isEqualTo(sid);
    }

    @Test
    void anotherServiceVerifiesLoginTokensKnowingOnlyTheJwksUrl() {
        String username = uniqueName("jwks");
        String userId = register(username);
        String token = accessToken(username);
        URI jwks = URI.create("http://127.0.0.1:" + port + "/.well-known/jwks.json");
        JwksTokenVerifier verifier = new JwksTokenVerifier(
                JwtProperties.of(jwks, "chat-platform", "chat-platform"), WebClient.create(), clock);

        VerifiedToken verified = verifier.verify(token).subscribeOn(Schedulers.boundedElastic()).block(TIMEOUT);

        assertThat(verified.subject()).isEqualTo(userId);
        assertThat(verified.roles()).containsExactly("user");
        http().get().uri("/.well-known/jwks.json").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.keys[0].kty").isEqualTo("EC")
                .jsonPath("$.keys[0].crv").isEqualTo("P-256")
                .jsonPath("$.keys[0].use").isEqualTo("sig")
                .jsonPath("$.keys[0].alg").isEqualTo("ES256")
                .jsonPath("$.keys[0].x").exists()
                .jsonPath("$.keys[0].y").exists()
                .jsonPath("$.keys[0].d").doesNotExist();
    }

    @Test
    void rotationKeepsOldTokensValidUntilTheyExpireThenDropsTheOldKey() {
        String adminToken = adminToken();
        String user = uniqueName("rot");
        register(user);
        String userToken = accessToken(user);
        String oldKid = keyRing.signingKey().block(TIMEOUT).kid();

        http().post().uri("/api/auth/keys/rotate").header("Authorization", "Bearer " + userToken)
                .exchange()
                .expectStatus().isForbidden();
        Map<?, ?> rotated = http().post().uri("/api/auth/keys/rotate").header("Authorization", "Bearer " + adminToken)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        String newKid = (String) rotated.get("kid");
        assertThat(newKid).isNotEqualTo(oldKid);

        getMe(userToken).expectStatus().isOk();
        String newToken = accessToken(user);
        assertThat(kid(newToken)).isEqualTo(newKid);
        assertThat(jwksKids()).contains(oldKid, newKid);

        clock.advance(Duration.ofMinutes(16));
        assertThat(jwksKids()).contains(newKid).doesNotContain(oldKid);
        getMe(accessToken(user)).expectStatus().isOk();
    }

    private List<Object> jwksKids() {
        Map<?, ?> body = http().get().uri("/.well-known/jwks.json").exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((List<?>) body.get("keys")).stream().map(key -> (Object) ((Map<?, ?>) key).get("kid")).toList();
    }

    private static String kid(String token) {
        return (String) JSON.readValue(Base64.getUrlDecoder().decode(token.split("\\.")[0]), Map.class).get("kid");
    }

    private static JwtBuilder token(SigningKey key, String userId, String sid, Instant issuedAt) {
        return Jwts.builder().json(new Serializer())
                .header().keyId(key.kid()).type("at+jwt").and()
                .issuer("chat-platform").audience().add("chat-platform").and()
                .subject(userId).claim("sid", sid).claim("roles", List.of("user", "admin"))
                .issuedAt(Date.from(issuedAt)).expiration(Date.from(issuedAt.plusSeconds(900)))
                .signWith(key.privateKey(), Jwts.SIG.ES256);
    }

    private static String header(String alg, String typ, String kid) {
        return "{\"alg\":\"" + alg + "\",\"typ\":\"" + typ + "\",\"kid\":\"" + kid + "\"}";
    }

    private static String claims(String userId, String sid, Instant now) {
        return "{\"sub\":\"" + userId + "\",\"sid\":\"" + sid + "\",\"iss\":\"chat-platform\",\"aud\":\"chat-platform\","
                + "\"roles\":[\"admin\"],\"exp\":" + now.plusSeconds(600).getEpochSecond() + "}";
    }

    private static String unsigned(String header, String claims) {
        return b64(header) + "." + b64(claims) + ".";
    }

    private static String hs256WithPublicKey(SigningKey key, String userId, String sid, Instant now) throws Exception {
        String signingInput = b64(header("HS256", "at+jwt", key.kid())) + "." + b64(claims(userId, sid, now));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.publicKey().getEncoded(), "HmacSHA256"));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Same signature, payload with another subject. */
    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        Map<?, ?> claims = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        Map<Object, Object> changed = new java.util.LinkedHashMap<>(claims);
        changed.put("roles", List.of("user", "admin"));
        return parts[0] + "." + b64(JSON.writeValueAsString(changed)) + "." + parts[2];
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static final class Serializer extends AbstractSerializer<Map<String, ?>> {
        @Override
        protected void doSerialize(Map<String, ?> value, OutputStream out) {
            JSON.writeValue(out, value);
        }
    }
}
