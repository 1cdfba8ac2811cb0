package io.chatplatform.auth.account;

import io.chatplatform.auth.account.User.OneTimeToken;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
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
 * Collection {@code users}. Every change is one single-document atomic operation (insert or findAndModify), which
 * both MongoDB and the embedded wire server do: no transactions, nothing half-written.
 */
@Component
public class UserStore {

    static final String COLLECTION = "users";

    private final ReactiveMongoTemplate mongo;

    UserStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Unique case-insensitive username and email; lookups by pending token hashes and for search. */
    public Mono<Void> ensureIndexes() {
        var indexes = mongo.indexOps(COLLECTION);
        return indexes.createIndex(new Index("usernameLower", Sort.Direction.ASC).unique().named("username_unique"))
                .then(indexes.createIndex(new Index("emailLower", Sort.Direction.ASC).unique().named("email_unique")))
                .then(indexes.createIndex(new Index("displayNameLower", Sort.Direction.ASC).named("display_name")))
                .then(indexes.createIndex(new Index("emailVerification.hash", Sort.Direction.ASC)
                        .named("email_verification_hash")))
                .then(indexes.createIndex(new Index("passwordReset.hash", Sort.Direction.ASC)
                        .named("password_reset_hash")))
                .then();
    }

    /** Inserts; fails with {@code DuplicateKeyException} when the username or email is taken. */
    public Mono<User> insert(User user) {
        return mongo.insert(user, COLLECTION);
    }

    public Mono<User> findById(String id) {
        return mongo.findById(id, User.class, COLLECTION);
    }

    public Flux<User> findByIds(Collection<String> ids) {
        return mongo.find(Query.query(Criteria.where("_id").in(ids)), User.class, COLLECTION);
    }

    /**
     * Which of the two unique fields an existing account already holds: {@code username} or {@code email}, empty when
     * neither. Only a fast answer before the password is hashed; the unique indexes still decide. Two lookups, each
     * on its own unique index.
     */
    public Mono<String> takenField(String usernameLower, String emailLower) {
        return holds("usernameLower", usernameLower).map(found -> "username")
                .switchIfEmpty(Mono.defer(() -> holds("emailLower", emailLower).map(found -> "email")));
    }

    private Mono<org.bson.Document> holds(String field, String value) {
        Query query = Query.query(Criteria.where(field).is(value));
        query.fields().include("_id");
        return mongo.findOne(query, org.bson.Document.class, COLLECTION);
    }

    /**
     * The account whose lowercased username or email is {@code login}. A username cannot hold an {@code @}
     * ({@code AccountController.USERNAME_PATTERN}) and an email always does, so one lookup on one unique index answers
     * (an {@code $or} of both would be served by no index on the embedded MongoDB server: a scan per login).
     */
    public Mono<User> findByLogin(String normalizedLogin) {
        String field = normalizedLogin.indexOf('@') >= 0 ? "emailLower" : "usernameLower";
        return mongo.findOne(Query.query(Criteria.where(field).is(normalizedLogin)), User.class, COLLECTION);
    }

    /** Marks the email verified if the token is pending and unexpired; consumes it (single use). */
    public Mono<User> verifyEmail(String tokenHash, Instant now) {
        Query query = Query.query(Criteria.where("emailVerification.hash").is(tokenHash)
                .and("emailVerification.expiresAt").gt(now));
        Update update = new Update()
                .set("emailVerified", true)
                .unset("emailVerification")
                .set("updatedAt", now);
        return mongo.findAndModify(query, update, FindAndModifyOptions.options().returnNew(true), User.class,
                COLLECTION);
    }

    /** Stores a new verification token for an unverified account. */
    public Mono<User> replaceEmailVerification(String userId, OneTimeToken token, Instant now) {
        Query query = Query.query(Criteria.where("_id").is(userId).and("emailVerified").is(false));
        Update update = new Update()
                .set("emailVerification", token)
                .set("updatedAt", now);
        return mongo.findAndModify(query, update, FindAndModifyOptions.options().returnNew(true), User.class,
                COLLECTION);
    }

    /**
     * Stores a reset token on the active account with this email, in one operation whether or not the account
     * exists, so both cases cost the same (no enumeration through timing); empty when there is no such account.
     */
    public Mono<User> startPasswordReset(String emailLower, OneTimeToken token, Instant now) {
        Query query = Query.query(Criteria.where("emailLower").is(emailLower).and("status").is(User.ACTIVE));
        Update update = new Update()
                .set("passwordReset", token)
                .set("updatedAt", now);
        return mongo.findAndModify(query, update, FindAndModifyOptions.options().returnNew(true), User.class,
                COLLECTION);
    }

    /** Sets the password if the reset token is pending and unexpired, consuming it (single use). */
    public Mono<User> completePasswordReset(String tokenHash, String passwordHash, Instant now) {
        Query query = Query.query(Criteria.where("passwordReset.hash").is(tokenHash)
                .and("passwordReset.expiresAt").gt(now));
        Update update = new Update()
                .set("passwordHash", passwordHash)
                .unset("passwordReset")
                .set("updatedAt", now);
        return mongo.findAndModify(query, update, FindAndModifyOptions.options().returnNew(true), User.class,
                COLLECTION);
    }

    /** Sets the status; emits the account as it was before, or empty when unknown. */
    public Mono<User> setStatus(String userId, String status, String reason, Instant now) {
        Update update = new Update()
                .set("status", status)
                .set("statusReason", reason)
                .set("updatedAt", now);
        return mongo.findAndModify(Query.query(Criteria.where("_id").is(userId)), update,
                FindAndModifyOptions.options().returnNew(false), User.class, COLLECTION);
    }

    public Mono<User> addRole(String userId, String role, Instant now) {
        Update update = new Update()
                .addToSet("roles", role)
                .set("updatedAt", now);
        return mongo.findAndModify(Query.query(Criteria.where("_id").is(userId)), update,
                FindAndModifyOptions.options().returnNew(true), User.class, COLLECTION);
    }

    public Mono<User> removeRole(String userId, String role, Instant now) {
        Update update = new Update()
                .pull("roles", role)
                .set("updatedAt", now);
        return mongo.findAndModify(Query.query(Criteria.where("_id").is(userId)), update,
                FindAndModifyOptions.options().returnNew(true), User.class, COLLECTION);
    }

    /** Grants admin to the configured usernames that exist; emits how many accounts changed. */
    public Mono<Long> grantAdmin(Collection<String> usernamesLower, Instant now) {
        if (usernamesLower.isEmpty()) {
            return Mono.just(0L);
        }
        Update update = new Update()
                .addToSet("roles", Roles.ADMIN)
                .set("updatedAt", now);
        return mongo.updateMulti(Query.query(Criteria.where("usernameLower").in(usernamesLower)
                                .and("roles").ne(Roles.ADMIN)), update, COLLECTION)
                .map(result -> result.getModifiedCount());
    }

    /** Applies a profile change; {@code null} arguments are left as they are. */
    public Mono<User> updateProfile(String userId, ProfileChange change, Instant now) {
        Update update = new Update().set("updatedAt", now);
        if (change.displayName() != null) {
            update.set("displayName", change.displayName())
                    .set("displayNameLower", change.displayName().toLowerCase(java.util.Locale.ROOT));
        }
        if (change.avatarUrl() != null) {
            update.set("avatarUrl", change.avatarUrl());
        }
        if (change.about() != null) {
            update.set("about", change.about());
        }
        return mongo.findAndModify(Query.query(Criteria.where("_id").is(userId)), update,
                FindAndModifyOptions.options().returnNew(true), User.class, COLLECTION);
    }

    /**
     * Users whose username or display name starts with {@code prefix} (lowercased), ordered by username, after the
     * username {@code afterUsernameLower} (exclusive, {@code null} for the first page). The prefix is quoted, so
     * regex characters in a query match literally, and anchored, so an index can serve it.
     */
    public Flux<User> searchByPrefix(String prefixLower, String afterUsernameLower, int limit) {
        Pattern prefix = Pattern.compile("^" + escapeRegex(prefixLower));
        Criteria criteria = new Criteria().orOperator(
                Criteria.where("usernameLower").regex(prefix),
                Criteria.where("displayNameLower").regex(prefix));
        if (afterUsernameLower != null) {
            criteria = new Criteria().andOperator(criteria, Criteria.where("usernameLower").gt(afterUsernameLower));
        }
        Query query = Query.query(criteria)
                .with(Sort.by("usernameLower"))
                .limit(limit);
        return mongo.find(query, User.class, COLLECTION);
    }

    /**
     * A profile change.
     *
     * @param displayName new display name or {@code null}
     * @param avatarUrl   new avatar URL ({@code ""} removes it) or {@code null}
     * @param about       new about text ({@code ""} removes it) or {@code null}
     */
    public record ProfileChange(String displayName, String avatarUrl, String about) {
    }

    /** Backslash before every regex metacharacter: plain escapes work in both Java and PCRE (MongoDB). */
    static String escapeRegex(String literal) {
        StringBuilder escaped = new StringBuilder(literal.length() * 2);
        for (char c : literal.toCharArray()) {
            if ("\\^$.|?*+()[]{}-/".indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    static List<String> initialRoles(boolean admin) {
        return admin ? List.of(Roles.USER, Roles.ADMIN) : List.of(Roles.USER);
    }
}
