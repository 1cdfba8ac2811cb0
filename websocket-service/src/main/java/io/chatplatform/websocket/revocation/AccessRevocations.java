package io.chatplatform.websocket.revocation;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.TopicListener;
import io.chatplatform.websocket.delivery.LocalConnections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Ends connections whose access was taken away: a blocked account (auth-service's {@code account.status-changed},
 * moderation-service's {@code user.blocked}) loses every connection, a revoked session (logout, "sign out other
 * devices") the connections opened with it. Every instance reads both topics in full ({@link TopicListener}), so a
 * block reaches every instance within the consumer's poll latency.
 */
@Component
class AccessRevocations extends TopicListener {

    private static final Logger log = LoggerFactory.getLogger(AccessRevocations.class);
    /** Policy violation: the client must not reconnect with the same credentials. */
    static final int POLICY = 1008;

    private final LocalConnections connections;

    AccessRevocations(KafkaSubscriber kafka, LocalConnections connections) {
        super(kafka, "websocket-access", List.of(Topics.AUTH_EVENTS, Topics.MODERATION_EVENTS));
        this.connections = connections;
    }

    @Override
    protected Mono<Void> handle(InboundRecord record) {
        return Mono.fromRunnable(() -> {
            EventEnvelope event;
            try {
                event = EventEnvelope.parseFrom(record.value());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                log.warn("Skipped an unreadable record on {}", record.topic());
                return;
            }
            switch (event.getPayloadCase()) {
                case ACCOUNT_STATUS_CHANGED -> {
                    var change = event.getAccountStatusChanged();
                    if (change.getStatus() == AccountStatus.ACCOUNT_STATUS_BLOCKED) {
                        connections.close(change.getUserId(), null, POLICY, "account blocked");
                    }
                }
                case USER_BLOCKED -> connections.close(event.getUserBlocked().getUserId(), null, POLICY,
                        "account blocked");
                case SESSION_REVOKED -> {
                    var revoked = event.getSessionRevoked();
                    connections.close(revoked.getUserId(), revoked.getAllSessions() ? null : revoked.getSessionId(),
                            POLICY, "session ended");
                }
                default -> {
                }
            }
        });
    }
}
