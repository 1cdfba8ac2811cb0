package io.chatplatform.support.jwt;

import static io.chatplatform.support.jwt.TestJwts.AUDIENCE;
import static io.chatplatform.support.jwt.TestJwts.ISSUER;
import static io.chatplatform.support.jwt.TestJwts.accessToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.support.jwt.InvalidTokenException.Reason;
import io.chatplatform.support.jwt.TestJwts.MutableClock;
import java.net.URI;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The verifier with a pluggable key source (what the auth service uses for its own keys). */
class SigningKeyResolverVerifierTest {

    private final KeyPair k1 = TestJwts.newKeyPair();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final Map<String, KeyPair> keys = Map.of("k1", k1);
    private final JwksTokenVerifier verifier = new JwksTokenVerifier(
            JwtProperties.of(URI.create("urn:unused"), ISSUER, AUDIENCE),
            kid -> Mono.justOrEmpty(keys.get(kid)).map(KeyPair::getPublic),
            clock);

    @Test
    void acceptsTokenSignedWithResolvedKey() {
        StepVerifier.create(verifier.verify(accessToken(k1, "k1", clock.instant()).compact()))
                .assertNext(verified -> assertThat(verified.subject()).isEqualTo("user-1"))
                .verifyComplete();
    }

    @Test
    void rejectsKidTheResolverDoesNotKnow() {
        StepVerifier.create(verifier.verify(accessToken(k1, "k9", clock.instant()).compact()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOfSatisfying(InvalidTokenException.class,
                                rejected -> assertThat(rejected.reason()).isEqualTo(Reason.UNKNOWN_KEY)))
                .verify();
    }

    @Test
    void appliesTheSameExpiryCheck() {
        String token = accessToken(k1, "k1", clock.instant()).compact();
        clock.advance(java.time.Duration.ofMinutes(20));

        StepVerifier.create(verifier.verify(token))
                .expectErrorSatisfies(error -> assertThat(((InvalidTokenException) error).reason())
                        .isEqualTo(Reason.EXPIRED))
                .verify();
    }
}
