package io.chatplatform.support.jwt;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.SessionRevoked;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.TopicListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The sessions auth-service revoked (logout, "sign out other devices", a password change, a block), learned from its
 * {@code session.revoked} events on {@code auth.events}, so that a service which checks access tokens by their
 * signature alone refuses a revoked session's tokens at once instead of until they expire.
 *
 * <p>Every process reads the topic in full in a group of its own, from the oldest retained record, so a process
 * that starts after a revocation still learns of it. Only revocations younger than {@code chat.jwt.revocation-window}
 * are kept (older ones concern tokens that have expired anyway), so memory stays small. A revocation reaches the
 * services within the consumer's poll latency; until the first records are read after a start, tokens revoked
 * shortly before are still accepted.
 *
 * <p>"All sessions" refuses every token of the user issued before the revocation (by {@code iat}, to the second; a
 * token issued in the same second is accepted, so a login right after "sign out everywhere" works).
 */
public final class SessionRevocations extends TopicListener implements RevokedTokens {

    private static final Logger log = LoggerFactory.getLogger(SessionRevocations.class);

    private final Duration window;
    private final Clock clock;
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> allSessionsOfUser = new ConcurrentHashMap<>();
    private final AtomicLong nextPrune = new AtomicLong();

    public SessionRevocations(KafkaSubscriber kafka, String groupPrefix, Duration window, Clock clock) {
        super(kafka, groupPrefix + "-revocations", List.of(Topics.AUTH_EVENTS), ConsumerSpec.OffsetReset.EARLIEST);
        this.window = window;
        this.clock = clock;
    }

    /** Whether the token belongs to a revoked session. */
    @Override
    public boolean isRevoked(VerifiedToken token) {
        if (token.sessionId() != null && sessions.containsKey(token.sessionId())) {
            return true;
        }
        Instant everySessionBefore = allSessionsOfUser.get(token.subject());
        if (everySessionBefore == null) {
            return false;
        }
        Instant issuedAt = issuedAt(token.claims().get("iat"));
        return issuedAt == null || issuedAt.isBefore(everySessionBefore.truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    protected Mono<Void> handle(InboundRecord record) {
        return Mono.fromRunnable(() -> {
            EventEnvelope event;
            try {
                event = EventEnvelope.parseFrom(record.value());
            } catch (InvalidProtocolBufferException e) {
                log.warn("Skipped an unreadable record on {}", record.topic());
                return;
            }
            if (event.getPayloadCase() == EventEnvelope.PayloadCase.SESSION_REVOKED) {
                remember(event.getSessionRevoked());
            }
        });
    }

    /** Records a revocation, unless it is too old to matter. */
    void remember(SessionRevoked revoked) {
        Instant at = revoked.hasRevokedAt()
                ? Instant.ofEpochSecond(revoked.getRevokedAt().getSeconds(), revoked.getRevokedAt().getNanos())
                : clock.instant();
        Instant now = clock.instant();
        if (at.isBefore(now.minus(window))) {
            return;
        }
        if (revoked.getAllSessions()) {
            allSessionsOfUser.merge(revoked.getUserId(), at, (first, second) -> first.isAfter(second) ? first : second);
        } else if (!revoked.getSessionId().isEmpty()) {
            sessions.put(revoked.getSessionId(), at);
        }
        pruneIfDue(now);
    }

    /** Drops revocations older than the window, at most once a minute. */
    private void pruneIfDue(Instant now) {
        long due = nextPrune.get();
        if (now.toEpochMilli() < due || !nextPrune.compareAndSet(due, now.plus(Duration.ofMinutes(1)).toEpochMilli())) {
            return;
        }
        Instant oldest = now.minus(window);
        sessions.values().removeIf(at -> at.isBefore(oldest));
        allSessionsOfUser.values().removeIf(at -> at.isBefore(oldest));
    }

    private static Instant issuedAt(Object claim) {
        if (claim instanceof Date date) {
            return date.toInstant();
        }
        if (claim instanceof Instant instant) {
            return instant;
        }
        if (claim instanceof Number seconds) {
            return Instant.ofEpochSecond(seconds.longValue());
        }
        return null;
    }
}
