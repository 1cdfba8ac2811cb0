package io.chatplatform.chat;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.events.AccountStatusChanged;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.SessionRevokeReason;
import io.chatplatform.contracts.events.SessionRevoked;
import io.chatplatform.contracts.events.UserRegistered;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.OutboundRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** auth-service's events as it builds them (AuthEvents), published to the embedded Kafka {@code auth.events}. */
public final class AuthEventsFixture {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AuthEventsFixture() {
    }

    public static void publish(KafkaPublisher kafka, String key, EventEnvelope envelope) {
        kafka.send(new OutboundRecord(Topics.AUTH_EVENTS, key, envelope.toByteArray(),
                        Map.of("event-type", envelope.getType())))
                .block(TIMEOUT);
    }

    public static EventEnvelope registered(String userId, String username) {
        return envelope(userId, builder -> builder.setUserRegistered(UserRegistered.newBuilder()
                .setUserId(userId)
                .setUsername(username)
                .setDisplayName(username)
                .setEmail(username + "@example.org")
                .setRegisteredAt(timestamp(Instant.now()))));
    }

    public static EventEnvelope statusChanged(String userId, AccountStatus status, Instant changedAt) {
        AccountStatus previous = status == AccountStatus.ACCOUNT_STATUS_BLOCKED
                ? AccountStatus.ACCOUNT_STATUS_ACTIVE
                : AccountStatus.ACCOUNT_STATUS_BLOCKED;
        return envelope(userId, builder -> builder.setAccountStatusChanged(AccountStatusChanged.newBuilder()
                .setUserId(userId)
                .setPreviousStatus(previous)
                .setStatus(status)
                .setReason("test")
                .setChangedAt(timestamp(changedAt))));
    }

    /** {@code session.revoked} for one session, or for all of the user's ({@code sessionId} null). */
    public static EventEnvelope sessionRevoked(String userId, String sessionId, Instant revokedAt) {
        return envelope(userId, builder -> builder.setSessionRevoked(SessionRevoked.newBuilder()
                .setUserId(userId)
                .setSessionId(sessionId == null ? "" : sessionId)
                .setAllSessions(sessionId == null)
                .setReason(SessionRevokeReason.SESSION_REVOKE_REASON_LOGOUT)
                .setRevokedAt(timestamp(revokedAt))));
    }

    private static EventEnvelope envelope(String userId, UnaryOperator<EventEnvelope.Builder> payload) {
        EventEnvelope envelope = payload.apply(EventEnvelope.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(timestamp(Instant.now()))
                        .setProducer("auth-service")
                        .setPartitionKey(userId))
                .build();
        return envelope.toBuilder()
                .setType(EventTypes.of(envelope.getPayloadCase()))
                .build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
