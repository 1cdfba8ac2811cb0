package io.chatplatform.moderation.block;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Strikes per user, one document per user in {@code strikes} holding a list of {@code {key, ruleId, at}}. A strike is
 * keyed by the message and rule that earned it and added only if that key is not there yet, in one atomic update:
 * acting on the same message again never counts twice.
 */
@Component
public class Strikes {

    static final String COLLECTION = "strikes";

    private final ReactiveMongoTemplate mongo;

    Strikes(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Records a strike and counts the user's strikes from the rule since {@code windowStart}.
     *
     * @return the count, or empty when this strike was recorded before (nothing changed)
     */
    public Mono<Long> add(String userId, String key, String ruleId, Instant at, Instant windowStart) {
        Document strike = new Document("key", key).append("ruleId", ruleId).append("at", at);
        // Mongo refuses $push and $pull on one field in one update: prune separately, first.
        Update prune = new Update().pull("strikes",
                new Document("ruleId", ruleId).append("at", new Document("$lt", windowStart)));
        Update push = new Update().push("strikes", strike);
        // Matches only if the key is new; otherwise the upsert tries to insert a second document with this _id and
        // fails with a duplicate key, which means "counted before".
        return mongo.updateFirst(query(where("_id").is(userId)), prune, COLLECTION)
                .then(mongo.upsert(query(where("_id").is(userId).and("strikes.key").ne(key)), push, COLLECTION))
                .then(count(userId, ruleId, windowStart))
                .onErrorResume(DuplicateKeyException.class, duplicate -> Mono.empty());
    }

    private Mono<Long> count(String userId, String ruleId, Instant windowStart) {
        return mongo.findById(userId, Document.class, COLLECTION)
                .map(document -> document.getList("strikes", Document.class, List.of()).stream()
                        .filter(strike -> ruleId.equals(strike.getString("ruleId")))
                        .filter(strike -> !strike.getDate("at").toInstant().isBefore(windowStart))
                        .count())
                .defaultIfEmpty(0L);
    }

    /** Forgets the user's strikes (an unblock starts them over). */
    public Mono<Void> clear(String userId) {
        return mongo.remove(query(where("_id").is(userId)), COLLECTION).then();
    }
}
