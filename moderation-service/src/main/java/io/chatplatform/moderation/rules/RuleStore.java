package io.chatplatform.moderation.rules;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code rules} collection: few documents, read whole by {@link RuleSet}; names are unique. */
@Component
public class RuleStore {

    private final ReactiveMongoTemplate mongo;
    private final Mono<Void> indexesReady;

    RuleStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
        this.indexesReady = mongo.indexOps(StoredRule.class)
                .createIndex(new Index("name", Sort.Direction.ASC).unique().named("name_unique"))
                .then()
                .cache();
    }

    /** Stores a new rule; a taken name fails with {@code DuplicateKeyException}. */
    public Mono<StoredRule> insert(StoredRule rule) {
        return indexesReady.then(mongo.insert(rule));
    }

    /** Replaces the rule if it still has {@code expectedVersion}; empty when it does not (changed or gone). */
    public Mono<StoredRule> replace(StoredRule rule, long expectedVersion) {
        Query current = query(where("_id").is(rule.id()).and("version").is(expectedVersion));
        return indexesReady.then(mongo.findAndReplace(current, rule, FindAndReplaceOptions.options().returnNew(),
                StoredRule.class, StoredRule.COLLECTION, StoredRule.class));
    }

    public Mono<StoredRule> find(String id) {
        return mongo.findById(id, StoredRule.class);
    }

    /** Removes the rule; emits whether it existed. */
    public Mono<Boolean> delete(String id) {
        return mongo.remove(query(where("_id").is(id)), StoredRule.class)
                .map(result -> result.getDeletedCount() > 0);
    }

    /** Every rule, by name. */
    public Flux<StoredRule> all() {
        return mongo.find(new Query().with(Sort.by("name")), StoredRule.class);
    }

    /** A page of rules by name: {@code skip} rules left out, at most {@code limit}. */
    public Mono<List<StoredRule>> page(boolean includeDisabled, int skip, int limit) {
        Query query = includeDisabled ? new Query() : query(where("enabled").is(true));
        return mongo.find(query.with(Sort.by("name")).skip(skip).limit(limit), StoredRule.class).collectList();
    }
}
