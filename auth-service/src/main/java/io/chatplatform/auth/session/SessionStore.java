package io.chatplatform.auth.session;

import java.time.Instant;
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
 * Collections {@code sessions} and {@code rotated_refresh_tokens}. Rotation is one findAndModify on the current
 * hash, so of two concurrent refreshes with one token exactly one matches.
 */
@Component
public class SessionStore {

    static final String COLLECTION = "sessions";
    static final String ROTATED = "rotated_refresh_tokens";

    private final ReactiveMongoTemplate mongo;

    SessionStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<Void> ensureIndexes() {
        var sessions = mongo.indexOps(COLLECTION);
        return sessions.createIndex(new Index("refreshHash", Sort.Direction.ASC).unique().named("refresh_hash_unique"))
                .then(sessions.createIndex(new Index("userId", Sort.Direction.ASC).named("user")))
                .then(mongo.indexOps(ROTATED).createIndex(new Index("sessionId", Sort.Direction.ASC).named("session")))
                .then();
    }

    public Mono<Session> insert(Session session) {
        return mongo.insert(session, COLLECTION);
    }

    public Mono<Session> findById(String id) {
        return mongo.findById(id, Session.class, COLLECTION);
    }

    /** Live and expired sessions of a user that were not revoked, newest first. */
    public Flux<Session> findUnrevoked(String userId) {
        Query query = Query.query(Criteria.where("userId").is(userId).and("revokedAt").is(null))
                .with(Sort.by(Sort.Direction.DESC, "createdAt"));
        return mongo.find(query, Session.class, COLLECTION);
    }

    /**
     * Replaces the refresh hash if {@code presentedHash} is the current one of a live session; emits the updated
     * session, or empty when the token is not current (unknown, rotated, revoked or expired).
     */
    public Mono<Session> rotate(String presentedHash, String newHash, Instant newExpiry, Instant now) {
        Query query = Query.query(Criteria.where("refreshHash").is(presentedHash)
                .and("revokedAt").is(null)
                .and("refreshExpiresAt").gt(now));
        Update update = new Update()
                .set("refreshHash", newHash)
                .set("refreshExpiresAt", newExpiry)
                .set("lastUsedAt", now);
        return mongo.findAndModify(query, update, FindAndModifyOptions.options().returnNew(true), Session.class,
                COLLECTION);
    }

    /** Remembers a rotated-away hash, so presenting it again is recognised as reuse. */
    public Mono<Void> rememberRotated(String hash, String sessionId, String userId, Instant rotatedAt) {
        return mongo.insert(new RotatedRefreshToken(hash, sessionId, userId, rotatedAt), ROTATED)
                // The same hash twice cannot happen (256 random bits); a duplicate would mean it is recorded already.
                .onErrorResume(DuplicateKeyException.class, duplicate -> Mono.empty())
                .then();
    }

    /** The session a rotated-away refresh token belonged to, if {@code hash} is one. */
    public Mono<RotatedRefreshToken> findRotated(String hash) {
        return mongo.findById(hash, RotatedRefreshToken.class, ROTATED);
    }

    /** Revokes one live session of the user; emits it as revoked, or empty if there was none. */
    public Mono<Session> revoke(String sessionId, String userId, String reason, Instant now) {
        Query query = Query.query(Criteria.where("_id").is(sessionId)
                .and("userId").is(userId)
                .and("revokedAt").is(null));
        return mongo.findAndModify(query, revocation(reason, now), FindAndModifyOptions.options().returnNew(true),
                Session.class, COLLECTION);
    }

    /** Revokes every unrevoked session of the user except {@code keepSessionId} (may be null); emits the count. */
    public Mono<Long> revokeAll(String userId, String keepSessionId, String reason, Instant now) {
        Criteria criteria = Criteria.where("userId").is(userId).and("revokedAt").is(null);
        if (keepSessionId != null) {
            criteria = criteria.and("_id").ne(keepSessionId);
        }
        return mongo.updateMulti(Query.query(criteria), revocation(reason, now), COLLECTION)
                .map(result -> result.getModifiedCount());
    }

    private static Update revocation(String reason, Instant now) {
        return new Update()
                .set("revokedAt", now)
                .set("revokeReason", reason);
    }

    /** A refresh token that was rotated away; kept so its reuse can be detected. */
    @org.springframework.data.mongodb.core.mapping.Document(ROTATED)
    public record RotatedRefreshToken(
            @org.springframework.data.annotation.Id String hash, String sessionId, String userId, Instant rotatedAt) {
    }
}
