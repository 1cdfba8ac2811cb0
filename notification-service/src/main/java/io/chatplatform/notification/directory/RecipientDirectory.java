package io.chatplatform.notification.directory;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code recipients} collection. Every write is one single-document upsert on the user id that leaves the
 * document as it was when the same event is applied again.
 */
@Component
public class RecipientDirectory {

    private static final FindAndModifyOptions UPSERT = FindAndModifyOptions.options().upsert(true).returnNew(true);

    private final ReactiveMongoTemplate mongo;

    RecipientDirectory(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The user, or an empty Mono for a user never heard of. */
    public Mono<Recipient> find(String userId) {
        return mongo.findById(userId, Recipient.class);
    }

    /** Records the profile and address of a registration or an email request; empty values are left as stored. */
    Mono<Recipient> remember(String userId, String username, String displayName, String email, String locale) {
        Update update = new Update().setOnInsert("blocked", false);
        setIfPresent(update, "username", username);
        setIfPresent(update, "displayName", displayName);
        setIfPresent(update, "email", email);
        setIfPresent(update, "locale", locale);
        return mongo.findAndModify(query(where("_id").is(userId)), update, UPSERT, Recipient.class);
    }

    /** Applies a status change unless the stored one was decided later. */
    Mono<Void> changeStatus(String userId, boolean blocked, Instant changedAt) {
        Criteria olderOrNone = where("_id").is(userId)
                .orOperator(where("statusChangedAt").exists(false), where("statusChangedAt").lt(changedAt));
        Update update = new Update().set("blocked", blocked).set("statusChangedAt", changedAt);
        return mongo.findAndModify(query(olderOrNone), update, UPSERT, Recipient.class)
                .then()
                // The stored status is newer: the upsert tried to insert a second document with this id.
                .onErrorResume(DuplicateKeyException.class, newer -> Mono.empty());
    }

    private static void setIfPresent(Update update, String field, String value) {
        if (value != null && !value.isBlank()) {
            update.set(field, value);
        }
    }
}
