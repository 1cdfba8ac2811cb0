package io.chatplatform.websocket.revocation;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.websocket.delivery.LocalConnections;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Ends connections whose access was taken away: a blocked account (auth-service's {@code account.status-changed},
 * moderation-service's {@code user.blocked}) loses every connection, a revoked session (logout, "sign out other
 * devices") the connections opened with it. Every instance reads both topics as its own group from the newest offset,
 * so a block reaches every instance within the consumer's poll latency.
 */
@Component
class AccessRevocations implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessRevocations.class);
    /** Policy violation: the client must not reconnect with the same credentials. */
    static final int POLICY = 1008;

    private final KafkaSubscriber kafka;
    private final LocalConnections connections;
    private final String groupId = "websocket-access-" + UUID.randomUUID();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable consuming;

    AccessRevocations(KafkaSubscriber kafka, LocalConnections connections) {
        this.kafka = kafka;
        this.connections = connections;
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        ConsumerSpec spec = new ConsumerSpec(groupId, List.of(Topics.AUTH_EVENTS, Topics.MODERATION_EVENTS),
                ConsumerSpec.OffsetReset.LATEST);
        consuming = kafka.consume(spec, this::handle)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(retry -> log.warn("Access revocation consumer restarting: {}",
                                retry.failure().toString())))
                .subscribe();
    }

    private Mono<Void> handle(InboundRecord record) {
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

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && consuming != null) {
            consuming.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
