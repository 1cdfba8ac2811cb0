package io.chatplatform.notification.directory;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.support.cache.SetSnapshot;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
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

    /** Past this many blocked accounts, {@link #isBlocked} reads each user again (see {@link SetSnapshot}). */
    private static final int MAX_BLOCKED = 100_000;

    private final ReactiveMongoTemplate mongo;
    /** The blocked users' ids: asked about the sender of every message, so a lookup here rather than a read. */
    private final SetSnapshot blockedUsers;

    RecipientDirectory(ReactiveMongoTemplate mongo, RecipientDirectoryProperties properties) {
        this.mongo = mongo;
        this.blockedUsers = new SetSnapshot("blocked users", this::blockedIds, MAX_BLOCKED, properties.statusMaxAge(),
                System::nanoTime);
    }

    /** The user, or an empty Mono for a user never heard of. */
    public Mono<Recipient> find(String userId) {
        return mongo.findById(userId, Recipient.class);
    }

    /**
     * Whether the user is blocked (false for a user never heard of): from the set of blocked users, read whole at
     * most {@code chat.notification.directory.status-max-age} ago, else from the user's own document.
     */
    public Mono<Boolean> isBlocked(String userId) {
        Boolean fromSet = blockedUsers.contains(userId);
        if (fromSet != null) {
            return Mono.just(fromSet);
        }
        return find(userId).map(Recipient::blocked).defaultIfEmpty(false);
    }

    private Mono<Set<String>> blockedIds(int limit) {
        Query query = query(where("blocked").is(true)).limit(limit);
        query.fields().include("_id");
        return mongo.find(query, Document.class, Recipient.COLLECTION)
                .map(recipient -> recipient.getString("_id"))
                .collect(Collectors.toUnmodifiableSet());
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
                // This instance answers with the stored status at once; the others with their next read of the set.
                .doOnNext(stored -> blockedUsers.record(stored.userId(), stored.blocked()))
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
