package io.chatplatform.chat.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Mono;

/**
 * Which instance relays: one lease document, taken or renewed with one atomic findAndModify. Only one relay
 * publishing keeps a room's events in seq order on Kafka even with many instances.
 */
final class OutboxLease {

    private static final String COLLECTION = "outbox_lease";
    private static final String LEASE_ID = "relay";

    private final ReactiveMongoTemplate mongo;
    private final Duration duration;
    private final Clock clock;
    private final String owner = Ids.newId();
    /** Until when this instance surely holds the lease without renewing it (epoch millis); 0 = not known to. */
    private volatile long heldUntilMillis;

    OutboxLease(ReactiveMongoTemplate mongo, Duration duration, Clock clock) {
        this.mongo = mongo;
        this.duration = duration;
        this.clock = clock;
    }

    /**
     * True when this instance holds the lease; false when another live instance does. The lease document is renewed
     * once half its duration has passed, not on every pass: the relay passes on every stored message.
     */
    Mono<Boolean> acquire() {
        long nowMillis = clock.millis();
        if (nowMillis < heldUntilMillis - duration.toMillis() / 2) {
            return Mono.just(true);
        }
        Date now = new Date(nowMillis);
        Criteria mineOrExpired = new Criteria().orOperator(where("owner").is(owner), where("until").lt(now));
        Update take = new Update().set("owner", owner)
                .set("until", new Date(nowMillis + duration.toMillis()));
        FindAndModifyOptions upsert = FindAndModifyOptions.options()
                .upsert(true)
                .returnNew(true);
        return mongo.findAndModify(query(where("_id").is(LEASE_ID).andOperator(mineOrExpired)), take, upsert,
                        Document.class, COLLECTION)
                .map(lease -> owner.equals(lease.getString("owner")))
                .doOnNext(held -> heldUntilMillis = held ? nowMillis + duration.toMillis() : 0)
                // The upsert tried to insert a second lease document: another instance holds a live lease.
                .onErrorResume(DuplicateKeyException.class, held -> Mono.just(false))
                .defaultIfEmpty(false);
    }

    /** Gives the lease up, so another instance takes over at once instead of after it expires. */
    Mono<Void> release() {
        heldUntilMillis = 0;
        return mongo.remove(query(where("_id").is(LEASE_ID).and("owner").is(owner)), COLLECTION)
                .then();
    }
}
