package io.chatplatform.chat.user;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code users} collection. Every write is one single-document upsert on the user id, written so that applying
 * the same event again leaves the document as it was.
 */
@Component
class UserStore {

    static final String COLLECTION = "users";

    private static final Logger log = LoggerFactory.getLogger(UserStore.class);
    private static final FindAndModifyOptions UPSERT = FindAndModifyOptions.options()
            .upsert(true)
            .returnNew(true);

    private final ReactiveMongoTemplate mongo;
    private final Mono<Void> indexesReady;

    UserStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
        // Created once on first use and awaited by every operation, without blocking startup.
        this.indexesReady = ensureIndexes().cache();
    }

    private Mono<Void> ensureIndexes() {
        // Sparse: users known only from a status change have no username yet, and many of them may exist.
        return mongo.indexOps(DirectoryUser.class)
                .createIndex(new Index("usernameLower", Sort.Direction.ASC)
                        .unique()
                        .sparse()
                        .named("username_lower_unique"))
                // The blocked users are read as one set (BlockedUsers); there are few of them among many.
                .then(mongo.indexOps(DirectoryUser.class)
                        .createIndex(new Index("status", Sort.Direction.ASC).named("status")))
                .then();
    }

    /**
     * Records a registration: sets the username (the same values again on a replay) and, for a new document, the
     * status {@code active}. A status that arrived before the registration is kept.
     *
     * @return the stored user; empty when another user id already holds the username (auth-service keeps usernames
     *         unique, so that is stale data: the registration is skipped and logged rather than stopping the stream)
     */
    Mono<DirectoryUser> register(String userId, String username) {
        Update update = new Update()
                .set("username", username)
                .set("usernameLower", username.toLowerCase(Locale.ROOT))
                .setOnInsert("status", DirectoryUser.ACTIVE);
        return indexesReady.then(mongo.findAndModify(query(where("_id").is(userId)), update, UPSERT,
                        DirectoryUser.class))
                .onErrorResume(DuplicateKeyException.class, duplicate -> usernameTaken(userId, username));
    }

    /**
     * Applies a status change unless the stored status is from a later change; a user not known yet is created with
     * the status alone.
     *
     * @return the stored user after the change, whether it was applied or ignored as older
     */
    Mono<DirectoryUser> changeStatus(String userId, String status, Instant changedAt) {
        Criteria olderOrNone = where("_id").is(userId)
                .orOperator(where("statusChangedAt").exists(false), where("statusChangedAt").lt(changedAt));
        Update apply = new Update()
                .set("status", status)
                .set("statusChangedAt", changedAt);
        return indexesReady.then(mongo.findAndModify(query(olderOrNone), apply,
                        FindAndModifyOptions.options().returnNew(true), DirectoryUser.class))
                .switchIfEmpty(Mono.defer(() -> insertIfMissing(userId, status, changedAt)));
    }

    /** Nothing matched: either the user is unknown (insert it) or a newer change is stored (leave it, return it). */
    private Mono<DirectoryUser> insertIfMissing(String userId, String status, Instant changedAt) {
        Update insert = new Update()
                .setOnInsert("status", status)
                .setOnInsert("statusChangedAt", changedAt);
        return mongo.findAndModify(query(where("_id").is(userId)), insert, UPSERT, DirectoryUser.class)
                // Two upserts of one new _id race; the loser's document exists now.
                .onErrorResume(DuplicateKeyException.class, duplicate -> find(userId));
    }

    Mono<DirectoryUser> find(String userId) {
        return indexesReady.then(mongo.findById(userId, DirectoryUser.class));
    }

    /** The ids of the blocked users, at most {@code limit} of them. */
    Mono<Set<String>> blockedIds(int limit) {
        Query blocked = query(where("status").is(DirectoryUser.BLOCKED)).limit(limit);
        blocked.fields().include("_id");
        return indexesReady.thenMany(mongo.find(blocked, Document.class, COLLECTION))
                .map(user -> user.getString("_id"))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Users whose lowercased username is one of {@code usernamesLower}, in no particular order. */
    Flux<DirectoryUser> findByUsernames(Collection<String> usernamesLower) {
        return indexesReady.thenMany(mongo.find(query(where("usernameLower").in(usernamesLower)),
                DirectoryUser.class));
    }

    private Mono<DirectoryUser> usernameTaken(String userId, String username) {
        return find(userId)
                .filter(stored -> username.equals(stored.username()))
                // Not this user's own concurrent upsert: another id holds the name.
                .switchIfEmpty(Mono.fromRunnable(() -> log.warn(
                        "Username of user {} is already held by another user id; registration not recorded",
                        userId)));
    }
}
