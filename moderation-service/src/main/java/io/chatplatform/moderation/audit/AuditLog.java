package io.chatplatform.moderation.audit;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.chatplatform.contracts.common.Actor;
import io.chatplatform.moderation.Paging;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Appends to and pages the audit log, newest first. */
@Component
public class AuditLog {

    private final ReactiveMongoTemplate mongo;
    private final Clock clock;
    private final Mono<Void> indexesReady;

    AuditLog(ReactiveMongoTemplate mongo, Optional<Clock> clock) {
        this.mongo = mongo;
        this.clock = clock.orElse(Clock.systemUTC());
        this.indexesReady = mongo.indexOps(AuditRecord.class)
                .createIndex(new Index("at", Sort.Direction.DESC).named("at"))
                .then()
                .cache();
    }

    /**
     * Appends an entry. {@code id} is derived from the fact for automatic actions (a repeat is then dropped) and
     * random otherwise.
     */
    public Mono<AuditRecord> append(String id, Actor actor, String action, String targetUserId, String targetId,
            String reason, Map<String, String> details) {
        AuditRecord record = new AuditRecord(id, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                actor.getKind().name().replace("ACTOR_KIND_", ""), actor.getUserId(), action,
                nullToEmpty(targetUserId), nullToEmpty(targetId), nullToEmpty(reason), Map.copyOf(details));
        return indexesReady.then(mongo.insert(record))
                .onErrorResume(DuplicateKeyException.class, duplicate -> Mono.just(record));
    }

    /**
     * A page of entries, newest first.
     *
     * @param cursor from the previous page, or empty
     */
    public Mono<Paging.Page<AuditRecord>> page(String actorUserId, String targetUserId, Instant since, Instant until,
            String cursor, int limit) {
        List<Criteria> filters = new ArrayList<>();
        if (!actorUserId.isEmpty()) {
            filters.add(where("actorUserId").is(actorUserId));
        }
        if (!targetUserId.isEmpty()) {
            filters.add(where("targetUserId").is(targetUserId));
        }
        if (since != null) {
            filters.add(where("at").gte(since));
        }
        if (until != null) {
            filters.add(where("at").lt(until));
        }
        Paging.after(cursor, "at").ifPresent(filters::add);
        Query query = new Query();
        if (!filters.isEmpty()) {
            query.addCriteria(new Criteria().andOperator(filters));
        }
        query.with(Paging.NEWEST_FIRST.apply("at")).limit(limit + 1);
        return mongo.find(query, AuditRecord.class)
                .collectList()
                .map(records -> Paging.page(records, limit, record -> Paging.cursor(record.at(), record.id())));
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
