package io.chatplatform.moderation.block;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.events.UserBlocked;
import io.chatplatform.contracts.events.UserUnblocked;
import io.chatplatform.moderation.audit.AuditLog;
import io.chatplatform.moderation.clients.AuthClient;
import io.chatplatform.moderation.events.ModerationEvents;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Blocking and unblocking users. auth-service's {@code SetAccountStatus} is the block that counts (no login, no
 * refresh, sessions revoked; chat-service and websocket-service follow its {@code auth.events}); this service then
 * records the block (for timed blocks), announces it on {@code moderation.events} and audits it.
 */
@Component
public class BlockService {

    private final AuthClient auth;
    private final ReactiveMongoTemplate mongo;
    private final ModerationEvents events;
    private final AuditLog audit;
    private final Strikes strikes;
    private final Clock clock;

    BlockService(AuthClient auth, ReactiveMongoTemplate mongo, ModerationEvents events, AuditLog audit,
            Strikes strikes, Optional<Clock> clock) {
        this.auth = auth;
        this.mongo = mongo;
        this.events = events;
        this.audit = audit;
        this.strikes = strikes;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Blocks a user.
     *
     * @param until when the block ends by itself; {@code null} = until unblocked
     */
    public Mono<BlockResult> block(String userId, String reason, Instant until, Actor actor) {
        Instant now = now();
        return auth.setStatus(userId, AccountStatus.ACCOUNT_STATUS_BLOCKED, reason, actor)
                .flatMap(response -> {
                    boolean alreadyBlocked = response.getPreviousStatus() == AccountStatus.ACCOUNT_STATUS_BLOCKED;
                    StoredBlock block = new StoredBlock(userId, reason, now, actor.getUserId(), until);
                    return mongo.save(block)
                            .then(events.publish(ModerationEvents.newId(), userId, now, envelope -> envelope
                                    .setUserBlocked(blocked(block, actor))))
                            .then(audit.append(ModerationEvents.newId(), actor, "USER_BLOCKED", userId, userId,
                                    reason, untilDetail(until)))
                            .thenReturn(new BlockResult(alreadyBlocked, now));
                });
    }

    /** Lifts a block; {@code wasBlocked} false when the user was not blocked (nothing changed but the audit). */
    public Mono<Boolean> unblock(String userId, String reason, Actor actor) {
        Instant now = now();
        return auth.setStatus(userId, AccountStatus.ACCOUNT_STATUS_ACTIVE, reason, actor)
                .flatMap(response -> {
                    boolean wasBlocked = response.getPreviousStatus() == AccountStatus.ACCOUNT_STATUS_BLOCKED;
                    return mongo.remove(query(where("_id").is(userId)), StoredBlock.class)
                            .then(strikes.clear(userId))
                            .then(events.publish(ModerationEvents.newId(), userId, now, envelope -> envelope
                                    .setUserUnblocked(UserUnblocked.newBuilder()
                                            .setUserId(userId)
                                            .setReason(reason)
                                            .setUnblockedBy(actor)
                                            .setUnblockedAt(ModerationEvents.timestamp(now)))))
                            .then(audit.append(ModerationEvents.newId(), actor, "USER_UNBLOCKED", userId, userId,
                                    reason, Map.of()))
                            .thenReturn(wasBlocked);
                });
    }

    /** Whether moderation holds a block on the user. */
    public Mono<Boolean> isBlocked(String userId) {
        return mongo.exists(query(where("_id").is(userId)), StoredBlock.class);
    }

    /** Timed blocks whose end has come. */
    Flux<StoredBlock> expired() {
        return mongo.find(query(where("until").lte(now())), StoredBlock.class);
    }

    private static UserBlocked blocked(StoredBlock block, Actor actor) {
        UserBlocked.Builder event = UserBlocked.newBuilder()
                .setUserId(block.userId())
                .setReason(block.reason())
                .setBlockedBy(actor)
                .setBlockedAt(ModerationEvents.timestamp(block.blockedAt()));
        if (block.until() != null) {
            event.setUntil(ModerationEvents.timestamp(block.until()));
        }
        return event.build();
    }

    private static Map<String, String> untilDetail(Instant until) {
        Map<String, String> details = new HashMap<>();
        details.put("block_until", until == null ? "permanent" : until.toString());
        return details;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * @param alreadyBlocked the account was blocked before this call
     * @param blockedAt      when this call blocked it
     */
    public record BlockResult(boolean alreadyBlocked, Instant blockedAt) {
    }
}
