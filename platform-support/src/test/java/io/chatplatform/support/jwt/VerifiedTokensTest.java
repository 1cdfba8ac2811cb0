package io.chatplatform.support.jwt;

import static io.chatplatform.support.jwt.TestJwts.AUDIENCE;
import static io.chatplatform.support.jwt.TestJwts.ISSUER;
import static io.chatplatform.support.jwt.TestJwts.accessToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.support.jwt.InvalidTokenException.Reason;
import io.chatplatform.support.jwt.TestJwts.MutableClock;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A token that passed is remembered briefly: its repeats skip the signature check, never the expiry or key removal. */
class VerifiedTokensTest {

    private final KeyPair k1 = TestJwts.newKeyPair();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final Map<String, KeyPair> keys = new ConcurrentHashMap<>(Map.of("k1", k1));
    private final AtomicInteger keyLookups = new AtomicInteger();
    private final JwksTokenVerifier verifier = new JwksTokenVerifier(
            JwtProperties.of(URI.create("urn:unused"), ISSUER, AUDIENCE),
            kid -> Mono.fromSupplier(() -> {
                keyLookups.incrementAndGet();
                return keys.get(kid);
            }).map(KeyPair::getPublic),
            clock);

    @Test
    void aRepeatedTokenIsAnsweredWithoutCheckingItsSignatureAgain() {
        String token = accessToken(k1, "k1", clock.instant()).compact();

        VerifiedToken first = verifier.verify(token).block();
        VerifiedToken second = verifier.verify(token).block();

        assertThat(second).isEqualTo(first);
        assertThat(second.subject()).isEqualTo("user-1");
        assertThat(keyLookups).hasValue(1);
    }

    @Test
    void aRememberedTokenStillExpires() {
        String token = accessToken(k1, "k1", clock.instant()).compact();
        verifier.verify(token).block();

        clock.advance(Duration.ofMinutes(20));

        expectRejected(token, Reason.EXPIRED);
    }

    @Test
    void aKeyRemovedFromTheKeySourceIsNoLongerTrustedOnceTheMemoryLapses() {
        String token = accessToken(k1, "k1", clock.instant()).compact();
        verifier.verify(token).block();
        keys.remove("k1");

        clock.advance(Duration.ofSeconds(JwksTokenVerifier.MEMO_MAX_AGE_SECONDS));

        expectRejected(token, Reason.UNKNOWN_KEY);
    }

    @Test
    void aRejectedTokenIsCheckedInFullEveryTime() {
        String forged = accessToken(TestJwts.newKeyPair(), "k1", clock.instant()).compact();

        expectRejected(forged, Reason.BAD_SIGNATURE);
        expectRejected(forged, Reason.BAD_SIGNATURE);
        assertThat(keyLookups).hasValue(2);
    }

    @Test
    void theMemoryIsBounded() {
        VerifiedTokens memo = new VerifiedTokens(clock, Duration.ofSeconds(30), Duration.ofSeconds(60), 3);
        VerifiedToken claims = new VerifiedToken("u", List.of(), null, clock.instant().plusSeconds(900), Map.of());

        for (int i = 0; i < 10; i++) {
            memo.remember("token-" + i, claims);
        }

        assertThat(memo.size()).isLessThanOrEqualTo(3);
        assertThat(memo.get("token-9")).isEqualTo(claims);
    }

    private void expectRejected(String token, Reason reason) {
        StepVerifier.create(verifier.verify(token))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOfSatisfying(InvalidTokenException.class,
                                rejected -> assertThat(rejected.reason()).isEqualTo(reason)))
                .verify();
    }
}
