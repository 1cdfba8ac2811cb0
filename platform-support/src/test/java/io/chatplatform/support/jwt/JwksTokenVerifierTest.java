package io.chatplatform.support.jwt;

import static io.chatplatform.support.jwt.TestJwts.AUDIENCE;
import static io.chatplatform.support.jwt.TestJwts.ISSUER;
import static io.chatplatform.support.jwt.TestJwts.accessToken;
import static io.chatplatform.support.jwt.TestJwts.base64url;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.support.jwt.InvalidTokenException.Reason;
import io.chatplatform.support.jwt.TestJwts.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

class JwksTokenVerifierTest {

    private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

    private final KeyPair k1 = TestJwts.newKeyPair();
    private final KeyPair k2 = TestJwts.newKeyPair();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final AtomicReference<String> jwksBody = new AtomicReference<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private DisposableServer jwksServer;
    private JwksTokenVerifier verifier;

    @BeforeEach
    void startJwksServer() {
        jwksBody.set(TestJwts.jwks(Map.of("k1", k1)));
        jwksServer = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes.get("/.well-known/jwks.json", (request, response) -> {
                    jwksFetches.incrementAndGet();
                    String body = jwksBody.get();
                    if (body == null) {
                        return response.status(503).send();
                    }
                    return response.header("Content-Type", "application/json")
                            .sendString(Mono.just(body));
                }))
                .bindNow();
        URI jwksUri = URI.create("http://127.0.0.1:" + jwksServer.port() + "/.well-known/jwks.json");
        JwtProperties properties = JwtProperties.of(jwksUri, ISSUER, AUDIENCE)
                .withJwksRefreshMinInterval(REFRESH_INTERVAL);
        verifier = new JwksTokenVerifier(properties, WebClient.create(), clock);
    }

    @AfterEach
    void stopJwksServer() {
        jwksServer.disposeNow();
    }

    @Test
    void acceptsValidTokenAndExposesClaims() {
        String token = accessToken(k1, "k1", clock.instant()).compact();

        StepVerifier.create(verifier.verify(token))
                .assertNext(verified -> {
                    assertThat(verified.subject()).isEqualTo("user-1");
                    assertThat(verified.roles()).containsExactly("user", "moderator");
                    assertThat(verified.sessionId()).isEqualTo("session-9");
                    assertThat(verified.expiresAt()).isEqualTo(clock.instant().plusSeconds(900));
                    assertThat(verified.claims()).containsEntry("iss", ISSUER);
                    assertThat(verified.hasRole("moderator")).isTrue();
                })
                .verifyComplete();
        assertThat(jwksFetches).hasValue(1);
    }

    @Test
    void cachesKeysAcrossVerifications() {
        String token = accessToken(k1, "k1", clock.instant()).compact();

        for (int i = 0; i < 5; i++) {
            StepVerifier.create(verifier.verify(token))
                    .expectNextCount(1)
                    .verifyComplete();
        }
        assertThat(jwksFetches).hasValue(1);
    }

    @Test
    void rejectsAlgNone() {
        String payload = base64url("{\"sub\":\"user-1\",\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE
                + "\",\"exp\":" + clock.instant().plusSeconds(600).getEpochSecond() + "}");
        String token = base64url("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}") + "." + payload + ".";

        expectRejected(token, Reason.UNSUPPORTED_ALGORITHM);
        assertThat(jwksFetches).as("rejected before any key lookup").hasValue(0);
    }

    @Test
    void rejectsHs256SignedWithThePublicKey() throws Exception {
        // The classic key-confusion attack: HMAC with the verifier's public key as the secret.
        String header = base64url("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}");
        String payload = base64url("{\"sub\":\"attacker\",\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE
                + "\",\"exp\":" + clock.instant().plusSeconds(600).getEpochSecond() + "}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(k1.getPublic().getEncoded(), "HmacSHA256"));
        byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        String token = header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);

        expectRejected(token, Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void rejectsWrongAudience() {
        String token = accessToken(k1, "k1", clock.instant())
                .audience()
                .single("another-app")
                .compact();

        expectRejected(token, Reason.WRONG_AUDIENCE);
    }

    @Test
    void rejectsWrongIssuer() {
        String token = accessToken(k1, "k1", clock.instant())
                .issuer("https://evil.example")
                .compact();

        expectRejected(token, Reason.WRONG_ISSUER);
    }

    @Test
    void rejectsWrongType() {
        String token = accessToken(k1, "k1", clock.instant())
                .header()
                .type("JWT")
                .and()
                .compact();

        expectRejected(token, Reason.WRONG_TYPE);
    }

    @Test
    void rejectsExpiredTokenBeyondClockSkew() {
        String token = accessToken(k1, "k1", clock.instant()).compact();

        clock.advance(Duration.ofSeconds(900 + 20));
        StepVerifier.create(verifier.verify(token))
                .as("within the 30 s skew the token still passes")
                .expectNextCount(1)
                .verifyComplete();

        clock.advance(Duration.ofSeconds(20));
        expectRejected(token, Reason.EXPIRED);
    }

    @Test
    void rejectsTokenNotYetValid() {
        String token = accessToken(k1, "k1", clock.instant())
                .notBefore(Date.from(clock.instant().plusSeconds(120)))
                .compact();

        expectRejected(token, Reason.NOT_YET_VALID);
    }

    @Test
    void rejectsTamperedPayload() {
        String token = accessToken(k1, "k1", clock.instant()).compact();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String tampered = base64url(payload.replace("\"user-1\"", "\"admin\""));
        assertThat(tampered).isNotEqualTo(parts[1]);

        expectRejected(parts[0] + "." + tampered + "." + parts[2], Reason.BAD_SIGNATURE);
    }

    @Test
    void rejectsTokenSignedByAnotherKeyUnderAKnownKid() {
        String token = accessToken(k2, "k1", clock.instant()).compact();

        expectRejected(token, Reason.BAD_SIGNATURE);
    }

    @Test
    void rejectsGarbage() {
        expectRejected("not-a-token", Reason.MALFORMED);
        expectRejected("a.b.c", Reason.MALFORMED);
        expectRejected("", Reason.MALFORMED);
    }

    @Test
    void unknownKidRefetchesJwksOnceThenNotAgainWithinTheInterval() {
        StepVerifier.create(verifier.verify(accessToken(k1, "k1", clock.instant()).compact()))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(jwksFetches).hasValue(1);

        clock.advance(REFRESH_INTERVAL.plusSeconds(1));
        String unknown = accessToken(k2, "k-unknown", clock.instant()).compact();
        expectRejected(unknown, Reason.UNKNOWN_KEY);
        assertThat(jwksFetches).as("one refresh for the unknown kid").hasValue(2);

        for (int i = 0; i < 10; i++) {
            expectRejected(accessToken(k2, "k-flood-" + i, clock.instant()).compact(), Reason.UNKNOWN_KEY);
        }
        assertThat(jwksFetches).as("no refresh within the minimum interval").hasValue(2);
    }

    @Test
    void concurrentUnknownKidsShareOneFetch() {
        clock.advance(REFRESH_INTERVAL.plusSeconds(1));
        List<Mono<VerifiedToken>> attempts = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> verifier.verify(accessToken(k2, "k-" + i, clock.instant()).compact()))
                .toList();

        StepVerifier.create(Flux.merge(attempts.stream()
                        .map(attempt -> attempt.onErrorResume(InvalidTokenException.class, e -> Mono.empty()))
                        .toList()))
                .verifyComplete();
        assertThat(jwksFetches).hasValue(1);
    }

    @Test
    void acceptsRotatedKeyAfterRefresh() {
        StepVerifier.create(verifier.verify(accessToken(k1, "k1", clock.instant()).compact()))
                .expectNextCount(1)
                .verifyComplete();

        // The auth service publishes k2 next to k1 and starts signing with k2.
        jwksBody.set(TestJwts.jwks(Map.of("k1", k1, "k2", k2)));
        clock.advance(REFRESH_INTERVAL.plusSeconds(1));
        StepVerifier.create(verifier.verify(accessToken(k2, "k2", clock.instant()).compact()))
                .assertNext(verified -> assertThat(verified.subject()).isEqualTo("user-1"))
                .verifyComplete();
        StepVerifier.create(verifier.verify(accessToken(k1, "k1", clock.instant()).compact()))
                .as("tokens signed before the rotation stay valid")
                .expectNextCount(1)
                .verifyComplete();
        assertThat(jwksFetches).hasValue(2);
    }

    @Test
    void keyRemovedFromJwksStopsWorkingAfterMaxAge() {
        StepVerifier.create(verifier.verify(accessToken(k1, "k1", clock.instant()).compact()))
                .expectNextCount(1)
                .verifyComplete();

        jwksBody.set(TestJwts.jwks(Map.of("k2", k2)));
        clock.advance(Duration.ofMinutes(11));
        expectRejected(accessToken(k1, "k1", clock.instant()).compact(), Reason.UNKNOWN_KEY);
        assertThat(jwksFetches).hasValue(2);
    }

    @Test
    void staleKeysKeepWorkingWhileJwksIsDown() {
        StepVerifier.create(verifier.verify(accessToken(k1, "k1", clock.instant()).compact()))
                .expectNextCount(1)
                .verifyComplete();

        jwksBody.set(null);
        clock.advance(Duration.ofMinutes(11));
        StepVerifier.create(verifier.verify(accessToken(k1, "k1", clock.instant()).compact()))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(jwksFetches).hasValue(2);
    }

    @Test
    void failsClosedWhenJwksCannotBeFetched() {
        jwksBody.set(null);

        expectRejected(accessToken(k1, "k1", clock.instant()).compact(), Reason.JWKS_UNAVAILABLE);
    }

    @Test
    void rejectionMessageNeverContainsTheToken() {
        String token = accessToken(k1, "k1", clock.instant())
                .issuer("https://evil.example")
                .compact();

        StepVerifier.create(verifier.verify(token))
                .expectErrorSatisfies(error -> assertThat(error.getMessage())
                        .doesNotContain(token)
                        .doesNotContain(token.split("\\.")[1])
                        .doesNotContain("evil"))
                .verify();
    }

    private void expectRejected(String token, Reason reason) {
        StepVerifier.create(verifier.verify(token))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(InvalidTokenException.class)
                        .extracting(e -> ((InvalidTokenException) e).reason())
                        .isEqualTo(reason))
                .verify(Duration.ofSeconds(10));
    }
}
