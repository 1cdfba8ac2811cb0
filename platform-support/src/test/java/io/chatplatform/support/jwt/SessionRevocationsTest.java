package io.chatplatform.support.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.events.SessionRevoked;
import io.chatplatform.support.jwt.TestJwts.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a revocation refuses, and for how long it is remembered. */
class SessionRevocationsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00.400Z"));
    // Never started: the tests feed events directly, as the Kafka listener would.
    private final SessionRevocations revocations = new SessionRevocations(null, "test", Duration.ofMinutes(20), clock);

    @Test
    void aRevokedSessionIsRefusedAndTheUsersOtherSessionsAreNot() {
        revocations.remember(revoked("alice", "s1", clock.instant()));

        assertThat(revocations.isRevoked(token("alice", "s1", clock.instant().minusSeconds(60)))).isTrue();
        assertThat(revocations.isRevoked(token("alice", "s2", clock.instant().minusSeconds(60)))).isFalse();
        assertThat(revocations.isRevoked(token("bob", "s3", clock.instant().minusSeconds(60)))).isFalse();
    }

    @Test
    void revokingEverySessionRefusesTokensIssuedBeforeItNotALoginAfterIt() {
        Instant signedOut = clock.instant();
        revocations.remember(revoked("alice", null, signedOut));

        assertThat(revocations.isRevoked(token("alice", "s1", signedOut.minusSeconds(1)))).isTrue();
        assertThat(revocations.isRevoked(token("alice", null, signedOut.minusSeconds(300)))).isTrue();
        // iat has whole seconds: a login in the same second as the revocation is let through.
        assertThat(revocations.isRevoked(token("alice", "s9", signedOut))).isFalse();
        assertThat(revocations.isRevoked(token("alice", "s9", signedOut.plusSeconds(1)))).isFalse();
    }

    @Test
    void revocationsOlderThanTheWindowAreNotKept() {
        revocations.remember(revoked("alice", "old", clock.instant().minus(Duration.ofMinutes(21))));
        assertThat(revocations.isRevoked(token("alice", "old", clock.instant().minus(Duration.ofMinutes(30)))))
                .isFalse();

        revocations.remember(revoked("alice", "recent", clock.instant()));
        clock.advance(Duration.ofMinutes(25));
        revocations.remember(revoked("bob", "later", clock.instant()));

        assertThat(revocations.isRevoked(token("alice", "recent", clock.instant().minus(Duration.ofMinutes(26)))))
                .as("pruned once the window has passed")
                .isFalse();
        assertThat(revocations.isRevoked(token("bob", "later", clock.instant()))).isTrue();
    }

    private static SessionRevoked revoked(String userId, String sessionId, Instant at) {
        return SessionRevoked.newBuilder()
                .setUserId(userId)
                .setSessionId(sessionId == null ? "" : sessionId)
                .setAllSessions(sessionId == null)
                .setRevokedAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                .build();
    }

    /** Claims as jjwt hands them over: {@code iat} a Date with whole seconds. */
    private static VerifiedToken token(String userId, String sessionId, Instant issuedAt) {
        Date iat = Date.from(Instant.ofEpochSecond(issuedAt.getEpochSecond()));
        return new VerifiedToken(userId, List.of("user"), sessionId, issuedAt.plusSeconds(900), Map.of("iat", iat));
    }
}
