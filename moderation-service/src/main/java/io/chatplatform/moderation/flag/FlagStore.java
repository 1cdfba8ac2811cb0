package io.chatplatform.moderation.flag;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.moderation.Paging;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code flags} collection: inserts keyed by a derived id (so a repeat finds the first), reviews, pages. Callers
 * announce changes as {@code message.flagged} (which feeds {@link FlagWatch}).
 */
@Component
public class FlagStore {

    private final ReactiveMongoTemplate mongo;
    private final Mono<Void> indexesReady;

    FlagStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
        this.indexesReady = mongo.indexOps(StoredFlag.class)
                .createIndex(new Index("createdAt", Sort.Direction.DESC).named("created_at"))
                .then()
                .cache();
    }

    /**
     * Stores the flag unless one with its id exists.
     *
     * @return the stored flag and whether this call created it
     */
    public Mono<Opened> open(StoredFlag flag) {
        return indexesReady.then(mongo.insert(flag))
                .map(created -> new Opened(created, true))
                .onErrorResume(DuplicateKeyException.class, duplicate -> find(flag.id())
                        .map(existing -> new Opened(existing, false)));
    }

    public Mono<StoredFlag> find(String id) {
        return mongo.findById(id, StoredFlag.class);
    }

    /** Decides an OPEN flag; empty when it is not OPEN (reviewed already, or missing). */
    public Mono<StoredFlag> review(String id, String status, String reviewer, String note, Instant at) {
        Update update = new Update()
                .set("status", status)
                .set("reviewedAt", at)
                .set("reviewedBy", reviewer)
                .set("reviewNote", note);
        return mongo.findAndModify(query(where("_id").is(id).and("status").is(StoredFlag.OPEN)), update,
                        FindAndModifyOptions.options().returnNew(true), StoredFlag.class);
    }

    /** A page of flags, newest first; empty filters match everything. */
    public Mono<Paging.Page<StoredFlag>> page(String status, String conversationId, String senderUserId,
            String cursor, int limit) {
        List<Criteria> filters = new ArrayList<>();
        if (!status.isEmpty()) {
            filters.add(where("status").is(status));
        }
        if (!conversationId.isEmpty()) {
            filters.add(where("conversationId").is(conversationId));
        }
        if (!senderUserId.isEmpty()) {
            filters.add(where("senderUserId").is(senderUserId));
        }
        Paging.after(cursor, "createdAt").ifPresent(filters::add);
        Query query = new Query();
        if (!filters.isEmpty()) {
            query.addCriteria(new Criteria().andOperator(filters));
        }
        query.with(Paging.NEWEST_FIRST.apply("createdAt")).limit(limit + 1);
        return mongo.find(query, StoredFlag.class)
                .collectList()
                .map(flags -> Paging.page(flags, limit, flag -> Paging.cursor(flag.createdAt(), flag.id())));
    }

    /** Every OPEN flag, oldest first, for a watcher's backlog. */
    public reactor.core.publisher.Flux<StoredFlag> open() {
        return mongo.find(query(where("status").is(StoredFlag.OPEN)).with(Sort.by("createdAt")), StoredFlag.class);
    }

    /**
     * @param flag    the stored flag
     * @param created false when it existed before (a repeated check or report)
     */
    public record Opened(StoredFlag flag, boolean created) {
    }
}
