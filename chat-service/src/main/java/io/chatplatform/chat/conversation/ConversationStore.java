package io.chatplatform.chat.conversation;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.ChatProperties;
import io.chatplatform.chat.RecentAnswers;
import io.chatplatform.chat.outbox.OutboxMarkers;
import io.chatplatform.chat.outbox.OutboxUpdates;
import io.chatplatform.chat.outbox.PendingEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
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

/** MongoDB access for conversations and members; every write is a single-document atomic operation. */
@Component
public class ConversationStore {

    private final ReactiveMongoTemplate mongo;
    private final OutboxMarkers markers;
    private final Mono<Void> indexesReady;
    /**
     * Conversations as the access check last read them, for at most {@code chat.chat-service.access-cache-ttl}: every
     * send and history read asks the same two questions (does it exist, is the caller a member). This instance's own
     * changes replace the answers at once; another instance's reach it within the TTL.
     */
    private final RecentAnswers<Conversation> recentConversations;
    /**
     * Memberships as the access check last read them, each under the conversation's member version it was read after,
     * for up to {@code membership-cache-ttl}. A user sends or reads far less often than once a second, so a 1 s answer
     * was nearly always read again: one MongoDB read per send. A removal raises the version, and the conversation is
     * read again within {@code access-cache-ttl}, so a removal still reaches every instance within that.
     */
    private final RecentAnswers<Member> recentMembers;

    ConversationStore(ReactiveMongoTemplate mongo, OutboxMarkers markers, ChatProperties properties) {
        this.mongo = mongo;
        this.markers = markers;
        this.recentConversations = new RecentAnswers<>(this::find, properties.accessCacheTtl(), System::nanoTime);
        this.recentMembers = new RecentAnswers<>(this::findMember, properties.membershipCacheTtl(), System::nanoTime);
        // Created once on first use and awaited by every operation, without blocking startup.
        this.indexesReady = ensureIndexes().cache();
    }

    private Mono<Void> ensureIndexes() {
        return mongo.indexOps(Conversation.class)
                .createIndex(new Index().on("kind", Sort.Direction.ASC)
                        .on("visibility", Sort.Direction.ASC)
                        .on("nameLower", Sort.Direction.ASC)
                        .named("public_by_name"))
                .then(mongo.indexOps(Conversation.class)
                        .createIndex(new Index("outboxPending", Sort.Direction.ASC).named("outbox_pending")))
                .then(mongo.indexOps(Member.class)
                        .createIndex(new Index("outboxPending", Sort.Direction.ASC).named("outbox_pending")))
                // The retention job's two queries: rooms with a retention period, and deleted rooms to clean up.
                .then(mongo.indexOps(Conversation.class)
                        .createIndex(new Index("retentionDays", Sort.Direction.ASC).named("by_retention")))
                .then(mongo.indexOps(Conversation.class)
                        .createIndex(new Index("deleted", Sort.Direction.ASC).named("by_deleted")))
                .then(mongo.indexOps(Member.class)
                        .createIndex(new Index("userId", Sort.Direction.ASC).named("by_user")))
                .then(mongo.indexOps(Member.class)
                        .createIndex(new Index().on("conversationId", Sort.Direction.ASC)
                                .on("userId", Sort.Direction.ASC)
                                .named("by_conversation")))
                .then();
    }

    /** The conversation, unless it does not exist or was deleted. */
    public Mono<Conversation> find(String conversationId) {
        return indexesReady.then(mongo.findById(conversationId, Conversation.class))
                .filter(conversation -> !conversation.deleted());
    }

    /**
     * The conversation as read at most {@code chat.chat-service.access-cache-ttl} ago (or as this instance last
     * changed it), unless it does not exist or was deleted: for the access check, not for reading its counters.
     */
    Mono<Conversation> findRecent(String conversationId) {
        return recentConversations.get(conversationId);
    }

    /**
     * The membership as read after {@code conversation} (a read of it, such as {@link #findRecent}'s, made before
     * this call) was last given a new member version, at most {@code membership-cache-ttl} ago: for the access check.
     */
    Mono<Member> findRecentMember(Conversation conversation, String userId) {
        return recentMembers.get(Member.idOf(conversation.id(), userId), conversation.membersVersion());
    }

    /** The membership, unless there is none or it was removed. */
    public Mono<Member> findMember(String conversationId, String userId) {
        return findMember(Member.idOf(conversationId, userId));
    }

    private Mono<Member> findMember(String memberId) {
        return indexesReady.then(mongo.findById(memberId, Member.class))
                .filter(member -> !member.removed());
    }

    /** Inserts a new room with {@code room.created} in its outbox. */
    Mono<Conversation> insertRoom(Conversation room) {
        return indexesReady.then(mongo.insert(room.withEvent(RoomEvents.created(room))))
                .flatMap(this::roomMarked);
    }

    /**
     * Raises the conversation's {@code lastSeq} to {@code seq} (never lowers it): called after {@code seq} is stored,
     * so the value stays a lower bound of the real latest seq. One update by id.
     */
    public Mono<Void> raiseLastSeq(String conversationId, long seq) {
        return mongo.updateFirst(query(where("_id").is(conversationId)), new Update().max("lastSeq", seq),
                Conversation.class).then();
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
                .setOnInsert("participants", dm.participants())
                .setOnInsert("lastSeq", 0L);
        FindAndModifyOptions upsert = FindAndModifyOptions.options()
                .upsert(true)
                .returnNew(true);
        return indexesReady.then(mongo.findAndModify(query(where("_id").is(dm.id())), update, upsert, Conversation.class))
                // Two upserts of one new _id race; the loser sees a duplicate key and the winner's document exists.
                .onErrorResume(DuplicateKeyException.class, duplicate -> mongo.findById(dm.id(), Conversation.class));
    }

    /**
     * Adds the member with {@code event} in its outbox, or returns the existing membership unchanged (no event): its
     * role and join time stay as first written. A membership removed but not yet cleaned up comes back to life.
     */
    Mono<Member> addMember(String conversationId, String userId, String role, Instant now,
                           java.util.function.Function<String, PendingEvent> event) {
        String id = Member.idOf(conversationId, userId);
        recentMembers.forget(id);
        Member fresh = new Member(id, conversationId, userId, role, now, 0, false, true, List.of(event.apply(role)));
        Update revive = new Update().set("removed", false)
                .set("role", role)
                .set("joinedAt", now)
                .set("outboxPending", true)
                .push("pendingEvents", event.apply(role));
        return indexesReady.then(mongo.insert(fresh))
                .flatMap(this::memberMarked)
                .onErrorResume(DuplicateKeyException.class, exists -> mongo.findAndModify(
                                query(where("_id").is(id).and("removed").is(true)), revive,
                                FindAndModifyOptions.options().returnNew(true), Member.class)
                        .flatMap(this::memberMarked)
                        .switchIfEmpty(Mono.defer(() -> mongo.findById(id, Member.class))));
    }

    /**
     * Marks a membership removed with {@code event} in its outbox, then raises the conversation's member version, so
     * that other instances stop answering from the membership they keep; false if it was not a member.
     *
     * <p>In this order: a membership read after the raise is read after the removal. The version is raised even when
     * there was nothing to remove, so repeating a removal whose raise failed (or whose instance stopped in between)
     * completes it.
     */
    Mono<Boolean> removeMember(String conversationId, String userId, PendingEvent event) {
        Update update = new Update().set("removed", true)
                .set("outboxPending", true)
                .push("pendingEvents", event);
        String id = Member.idOf(conversationId, userId);
        return indexesReady.then(mongo.updateFirst(query(where("_id").is(id)
                        .and("removed").ne(true)), update, Member.class))
                .flatMap(result -> raiseMembersVersion(conversationId).thenReturn(result))
                .doFinally(signal -> recentMembers.forget(id))
                .map(result -> result.getModifiedCount() > 0)
                .flatMap(removed -> removed
                        ? marked(OutboxMarkers.MEMBER, id, conversationId).thenReturn(true)
                        : Mono.just(false));
    }

    private Mono<Void> raiseMembersVersion(String conversationId) {
        return mongo.updateFirst(query(where("_id").is(conversationId)), new Update().inc("membersVersion", 1),
                        Conversation.class)
                .doFinally(signal -> recentConversations.forget(conversationId))
                .then();
    }

    /**
     * Moves a read marker forward only, queueing a read receipt when it moves; a late or repeated request never moves
     * it back and emits nothing. Empty if the user is not a member.
     */
    public Mono<Member> advanceReadMarker(Conversation conversation, String userId, long seq, Instant at) {
        String id = Member.idOf(conversation.id(), userId);
        Update update = new Update().set("lastReadSeq", seq)
                .set("outboxPending", true)
                .push("pendingEvents", MemberEvents.read(conversation.id(), conversation.isDm(), userId, seq, at));
        return indexesReady.then(mongo.findAndModify(query(where("_id").is(id).and("removed").ne(true)
                                .and("lastReadSeq").lt(seq)), update, FindAndModifyOptions.options().returnNew(true),
                        Member.class))
                .flatMap(this::memberMarked)
                .switchIfEmpty(Mono.defer(() -> findMember(conversation.id(), userId)));
    }

    /** Memberships with unpublished events, in id order after {@code afterId} (from the first when null). */
    public Flux<Member> pendingMemberEvents(String afterId, int limit) {
        return indexesReady.thenMany(mongo.find(pendingAfter(afterId, limit), Member.class));
    }

    private static Query pendingAfter(String afterId, int limit) {
        Criteria pending = where("outboxPending").is(true);
        if (afterId != null) {
            pending = pending.and("_id").gt(afterId);
        }
        return query(pending).with(Sort.by("_id")).limit(limit);
    }

    /** Clears a membership's published events; a removed membership whose events are all out is deleted. */
    public Mono<Void> markMemberPublished(Member member, List<String> publishedEventIds) {
        return OutboxUpdates.markPublished(mongo, Member.class, member.id(), publishedEventIds)
                .flatMap(empty -> empty
                        ? mongo.remove(query(where("_id").is(member.id()).and("removed").is(true)
                                .and("outboxPending").is(false)), Member.class).then()
                        : Mono.<Void>empty());
    }

    /** The conversation even if deleted (the relay still routes its last events). */
    public Mono<Conversation> findIncludingDeleted(String conversationId) {
        return indexesReady.then(mongo.findById(conversationId, Conversation.class));
    }

    public Flux<Member> membershipsOf(String userId) {
        return indexesReady.thenMany(mongo.find(query(where("userId").is(userId).and("removed").ne(true)),
                Member.class));
    }

    /** A page of a conversation's members ordered by user id, starting after {@code afterUserId} (may be empty). */
    public Flux<Member> members(String conversationId, String afterUserId, int limit) {
        Query page = query(where("conversationId").is(conversationId)
                .and("userId").gt(afterUserId == null ? "" : afterUserId)
                .and("removed").ne(true))
                .with(Sort.by("userId"))
                .limit(limit);
        return indexesReady.thenMany(mongo.find(page, Member.class));
    }

    public Flux<Member> members(String conversationId, Collection<String> userIds) {
        List<String> ids = userIds.stream()
                .map(userId -> Member.idOf(conversationId, userId))
                .toList();
        return indexesReady.thenMany(mongo.find(query(where("_id").in(ids).and("removed").ne(true)), Member.class));
    }

    /** Renames a room or changes its topic, with {@code room.updated} in its outbox; empty if it is gone. */
    Mono<Conversation> update(String roomId, String name, String topic, java.util.function.Function<Conversation,
            PendingEvent> event) {
        return find(roomId)
                .flatMap(room -> {
                    Conversation changed = new Conversation(room.id(), room.kind(), name,
                            name.toLowerCase(java.util.Locale.ROOT), topic, room.visibility(), room.moderationMode(),
                            room.retentionDays(), room.createdBy(), room.createdAt(), room.participants(), false, true,
                            List.of(), room.lastSeq(), room.membersVersion());
                    Update update = new Update().set("name", changed.name())
                            .set("nameLower", changed.nameLower())
                            .set("topic", changed.topic())
                            .set("outboxPending", true)
                            .push("pendingEvents", event.apply(changed));
                    return mongo.findAndModify(query(where("_id").is(roomId).and("deleted").ne(true)), update,
                            FindAndModifyOptions.options().returnNew(true), Conversation.class);
                })
                .doFinally(signal -> recentConversations.forget(roomId))
                .flatMap(this::roomMarked);
    }

    /** Marks a room deleted with {@code room.deleted} in its outbox; empty if it already was. */
    Mono<Conversation> markDeleted(String roomId, PendingEvent event) {
        Update update = new Update().set("deleted", true)
                .set("outboxPending", true)
                .push("pendingEvents", event);
        return indexesReady.then(mongo.findAndModify(query(where("_id").is(roomId).and("deleted").ne(true)), update,
                FindAndModifyOptions.options().returnNew(true), Conversation.class))
                .doFinally(signal -> recentConversations.forget(roomId))
                .flatMap(this::roomMarked);
    }

    private Mono<Conversation> roomMarked(Conversation room) {
        return marked(OutboxMarkers.ROOM, room.id(), room.id()).thenReturn(room);
    }

    private Mono<Member> memberMarked(Member member) {
        return marked(OutboxMarkers.MEMBER, member.id(), member.conversationId()).thenReturn(member);
    }

    /**
     * Tells the relay where the events just stored are. A failure here loses nothing: the events are stored, and
     * the relay's periodic search of pending outboxes finds them, later.
     */
    private Mono<Void> marked(String kind, String id, String conversationId) {
        return markers.mark(kind, id, conversationId, 0).onErrorResume(failure -> Mono.empty());
    }

    /** Rooms by id, deleted ones too, with their outboxes. */
    public Flux<Conversation> roomsById(Collection<String> ids) {
        return mongo.find(query(where("_id").in(ids)), Conversation.class);
    }

    /** Memberships by id, removed ones too, with their outboxes. */
    public Flux<Member> membersById(Collection<String> ids) {
        return mongo.find(query(where("_id").in(ids)), Member.class);
    }

    /** Rooms with unpublished room events, in id order after {@code afterId} (from the first when null). */
    public Flux<Conversation> pendingOutbox(String afterId, int limit) {
        return indexesReady.thenMany(mongo.find(pendingAfter(afterId, limit), Conversation.class));
    }

    /** Clears published room events; if another was queued meanwhile, only the published ones go. */
    public Mono<Void> markPublished(String roomId, List<String> publishedEventIds) {
        return OutboxUpdates.markPublished(mongo, Conversation.class, roomId, publishedEventIds).then();
    }

    /** Deleted rooms whose events are published: their members and messages can go. */
    public Flux<Conversation> deletedAndPublished() {
        return indexesReady.thenMany(mongo.find(query(where("deleted").is(true).and("outboxPending").is(false)),
                Conversation.class));
    }

    /** Removes a deleted room's members and the room itself (its messages first, by the caller). */
    public Mono<Void> removeDeleted(String roomId) {
        return mongo.remove(query(where("conversationId").is(roomId)), Member.class)
                .then(mongo.remove(query(where("_id").is(roomId).and("deleted").is(true)), Conversation.class))
                .doFinally(signal -> recentConversations.forget(roomId))
                .then();
    }

    /** Which of {@code others} share at least one conversation with {@code userId}. */
    public Mono<Set<String>> contacts(String userId, Collection<String> others) {
        return membershipsOf(userId)
                .map(Member::conversationId)
                .collectList()
                .flatMap(mine -> mine.isEmpty() || others.isEmpty()
                        ? Mono.just(Set.<String>of())
                        : mongo.find(query(where("conversationId").in(mine).and("userId").in(others)
                                        .and("removed").ne(true)), Member.class)
                                .map(Member::userId)
                                .collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * Everyone who shares at least one conversation with {@code userId}, at most {@code limit} of them (which ones,
     * when there are more, is not defined): the memberships of the user's conversations, read only until one more
     * than the limit is found.
     */
    public Mono<AllContacts> allContacts(String userId, int limit) {
        return membershipsOf(userId)
                .map(Member::conversationId)
                .collectList()
                .flatMap(mine -> mine.isEmpty()
                        ? Mono.just(new AllContacts(Set.of(), false))
                        : mongo.find(query(where("conversationId").in(mine).and("removed").ne(true)), Member.class)
                                .map(Member::userId)
                                .filter(other -> !other.equals(userId))
                                .distinct()
                                .take(limit + 1L)
                                .collectList()
                                .map(found -> found.size() > limit
                                        ? new AllContacts(Set.copyOf(found.subList(0, limit)), true)
                                        : new AllContacts(Set.copyOf(found), false)));
    }

    /** See {@link #allContacts}: the contacts found, and whether there were more than asked for. */
    public record AllContacts(Set<String> userIds, boolean truncated) {
    }

    /** Rooms with a retention period (DMs keep their history). */
    public Flux<Conversation> withRetention() {
        return indexesReady.thenMany(mongo.find(query(where("retentionDays").gt(0).and("deleted").ne(true)),
                Conversation.class));
    }

    public Flux<Conversation> findAll(Collection<String> conversationIds) {
        return indexesReady.thenMany(mongo.find(query(where("_id").in(conversationIds).and("deleted").ne(true)),
                Conversation.class));
    }

    /** Public rooms by name prefix, ordered by (name, id), after the (nameLower, id) pair {@code after} if given. */
    Flux<Conversation> publicRooms(String prefixLower, List<String> after, int limit) {
        Criteria criteria = where("kind").is(Conversation.ROOM)
                .and("visibility").is("public")
                .and("deleted").ne(true)
                .and("nameLower").regex("^" + escapeRegex(prefixLower));
        if (after != null) {
            criteria = new Criteria().andOperator(criteria, new Criteria().orOperator(
                    where("nameLower").gt(after.get(0)),
                    where("nameLower").is(after.get(0)).and("_id").gt(after.get(1))));
        }
        Query search = query(criteria)
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
