package io.chatplatform.chat.conversation;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** MongoDB access for conversations and members; every write is a single-document atomic operation. */
@Component
public class ConversationStore {

    private final ReactiveMongoTemplate mongo;
    private final Mono<Void> indexesReady;

    ConversationStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
        // Created once on first use and awaited by every operation, without blocking startup.
        this.indexesReady = ensureIndexes().cache();
    }

    private Mono<Void> ensureIndexes() {
        return mongo.indexOps(Conversation.class)
                .createIndex(new Index().on("kind", Sort.Direction.ASC)
                        .on("visibility", Sort.Direction.ASC)
                        .on("nameLower", Sort.Direction.ASC)
                        .named("public_by_name"))
                .then(mongo.indexOps(Member.class)
                        .createIndex(new Index("userId", Sort.Direction.ASC).named("by_user")))
                .then(mongo.indexOps(Member.class)
                        .createIndex(new Index().on("conversationId", Sort.Direction.ASC)
                                .on("userId", Sort.Direction.ASC)
                                .named("by_conversation")))
                .then();
    }

    public Mono<Conversation> find(String conversationId) {
        return indexesReady.then(mongo.findById(conversationId, Conversation.class));
    }

    public Mono<Member> findMember(String conversationId, String userId) {
        return indexesReady.then(mongo.findById(Member.idOf(conversationId, userId), Member.class));
    }

    Mono<Conversation> insertRoom(Conversation room) {
        return indexesReady.then(mongo.insert(room));
    }

    /** Inserts the DM if missing and returns it; a concurrent insert of the same id means it exists now. */
    Mono<Conversation> upsertDm(Conversation dm) {
        Update update = new Update()
                .setOnInsert("kind", dm.kind())
                .setOnInsert("visibility", dm.visibility())
                .setOnInsert("moderationMode", dm.moderationMode())
                .setOnInsert("retentionDays", dm.retentionDays())
                .setOnInsert("createdBy", dm.createdBy())
                .setOnInsert("createdAt", dm.createdAt())
                .setOnInsert("participants", dm.participants());
        FindAndModifyOptions upsert = FindAndModifyOptions.options()
                .upsert(true)
                .returnNew(true);
        return indexesReady.then(mongo.findAndModify(query(where("_id").is(dm.id())), update, upsert, Conversation.class))
                // Two upserts of one new _id race; the loser sees a duplicate key and the winner's document exists.
                .onErrorResume(DuplicateKeyException.class, duplicate -> mongo.findById(dm.id(), Conversation.class));
    }

    /** Adds the member if missing (its role and join time stay as first written); returns the stored member. */
    Mono<Member> upsertMember(String conversationId, String userId, String role, Instant now) {
        Update update = new Update()
                .setOnInsert("conversationId", conversationId)
                .setOnInsert("userId", userId)
                .setOnInsert("role", role)
                .setOnInsert("joinedAt", now)
                .setOnInsert("lastReadSeq", 0L);
        FindAndModifyOptions upsert = FindAndModifyOptions.options()
                .upsert(true)
                .returnNew(true);
        String id = Member.idOf(conversationId, userId);
        return indexesReady.then(mongo.findAndModify(query(where("_id").is(id)), update, upsert, Member.class))
                .onErrorResume(DuplicateKeyException.class, duplicate -> mongo.findById(id, Member.class));
    }

    Mono<Boolean> removeMember(String conversationId, String userId) {
        return indexesReady.then(mongo.remove(query(where("_id").is(Member.idOf(conversationId, userId))), Member.class))
                .map(result -> result.getDeletedCount() > 0);
    }

    /** Moves a read marker forward only ({@code $max}), so a late or repeated request never moves it back. */
    public Mono<Member> advanceReadMarker(String conversationId, String userId, long seq) {
        Update update = new Update().max("lastReadSeq", seq);
        return indexesReady.then(mongo.findAndModify(query(where("_id").is(Member.idOf(conversationId, userId))),
                update, FindAndModifyOptions.options().returnNew(true), Member.class));
    }

    public Flux<Member> membershipsOf(String userId) {
        return indexesReady.thenMany(mongo.find(query(where("userId").is(userId)), Member.class));
    }

    /** A page of a conversation's members ordered by user id, starting after {@code afterUserId} (may be empty). */
    public Flux<Member> members(String conversationId, String afterUserId, int limit) {
        Query page = query(where("conversationId").is(conversationId)
                .and("userId").gt(afterUserId == null ? "" : afterUserId))
                .with(Sort.by("userId"))
                .limit(limit);
        return indexesReady.thenMany(mongo.find(page, Member.class));
    }

    public Flux<Member> members(String conversationId, Collection<String> userIds) {
        List<String> ids = userIds.stream()
                .map(userId -> Member.idOf(conversationId, userId))
                .toList();
        return indexesReady.thenMany(mongo.find(query(where("_id").in(ids)), Member.class));
    }

    public Flux<Conversation> findAll(Collection<String> conversationIds) {
        return indexesReady.thenMany(mongo.find(query(where("_id").in(conversationIds)), Conversation.class));
    }

    Flux<Conversation> publicRooms(String prefixLower, int limit) {
        Query search = query(where("kind").is(Conversation.ROOM)
                .and("visibility").is("public")
                .and("nameLower").regex("^" + escapeRegex(prefixLower)))
                .with(Sort.by("nameLower", "_id"))
                .limit(limit);
        return indexesReady.thenMany(mongo.find(search, Conversation.class));
    }

    /** Escapes every non-alphanumeric character, so a prefix is matched literally by any regex engine. */
    private static String escapeRegex(String text) {
        StringBuilder escaped = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (!Character.isLetterOrDigit(cp)) {
                escaped.append('\\');
            }
            escaped.appendCodePoint(cp);
        });
        return escaped.toString();
    }
}
