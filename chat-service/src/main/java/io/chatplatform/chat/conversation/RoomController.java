package io.chatplatform.chat.conversation;

import io.chatplatform.chat.Cursor;
import io.chatplatform.chat.Ids;
import io.chatplatform.chat.Problems;
import io.chatplatform.chat.outbox.PendingEvent;
import io.chatplatform.chat.web.Caller;
import io.chatplatform.contracts.events.MembershipChange;
import io.chatplatform.support.problem.InvalidField;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Rooms: create, read, list, search, join, leave, add and remove members. */
@RestController
@RequestMapping("/api/rooms")
class RoomController {

    private static final int MAX_NAME = 100;
    private static final int MAX_TOPIC = 500;
    private static final int MAX_PUBLIC_PAGE = 100;

    private final ConversationStore store;
    private final ConversationAccess access;
    private final Clock clock;

    RoomController(ConversationStore store, ConversationAccess access, Optional<Clock> clock) {
        this.store = store;
        this.access = access;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Creates a room with the caller as owner. */
    @PostMapping
    Mono<ResponseEntity<ConversationView>> create(@RequestBody CreateRoomRequest request, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        Conversation room = validated(request, userId);
        return store.insertRoom(room)
                .flatMap(saved -> store.addMember(saved.id(), userId, Member.OWNER, saved.createdAt(),
                                role -> changed(saved.id(), userId, MembershipChange.MEMBERSHIP_CHANGE_JOINED, role,
                                        userId))
                        .thenReturn(saved))
                .map(saved -> ResponseEntity.status(HttpStatus.CREATED).body(ConversationView.of(saved)));
    }

    /** The caller's rooms. */
    @GetMapping
    Flux<ConversationView> mine(ServerWebExchange exchange) {
        return store.membershipsOf(Caller.userId(exchange))
                .map(Member::conversationId)
                .collectList()
                .flatMapMany(store::findAll)
                .filter(conversation -> !conversation.isDm())
                .sort((a, b) -> a.nameLower().compareTo(b.nameLower()))
                .map(ConversationView::of);
    }

    /** Public rooms whose name starts with {@code prefix} (case-insensitive), by name, a page at a time. */
    @GetMapping("/public")
    Mono<Cursor.Page<ConversationView>> publicRooms(
            @RequestParam(defaultValue = "") String prefix, @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > MAX_PUBLIC_PAGE) {
            return Mono.error(Problems.invalid("limit", "must be between 1 and " + MAX_PUBLIC_PAGE));
        }
        if (prefix.length() > MAX_NAME) {
            return Mono.error(Problems.invalid("prefix", "at most " + MAX_NAME + " characters"));
        }
        List<String> after = cursor == null ? null : Cursor.decode(cursor, 2);
        // One extra row tells whether another page follows.
        return store.publicRooms(prefix.toLowerCase(Locale.ROOT), after, limit + 1)
                .collectList()
                .map(rows -> {
                    List<Conversation> page = rows.subList(0, Math.min(limit, rows.size()));
                    Conversation last = page.isEmpty() ? null : page.get(page.size() - 1);
                    String next = rows.size() > limit ? Cursor.encode(last.nameLower(), last.id()) : null;
                    return new Cursor.Page<>(page.stream().map(ConversationView::of).toList(), next);
                });
    }

    /** A room; public rooms are visible to anyone signed in, private ones to members only. */
    @GetMapping("/{roomId}")
    Mono<ConversationView> get(@PathVariable String roomId, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        return room(roomId)
                .flatMap(room -> room.isPublic()
                        ? Mono.just(room)
                        : access.requireMember(roomId, userId).map(ConversationAccess.Membership::conversation))
                .map(ConversationView::of);
    }

    /** Renames a room or changes its topic (owner or admins); omitted fields keep their value. */
    @PatchMapping("/{roomId}")
    Mono<ConversationView> update(@PathVariable String roomId, @RequestBody UpdateRoomRequest request,
                                  ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        if (request == null || (request.name() == null && request.topic() == null)) {
            return Mono.error(Problems.invalid("body", "give a name, a topic, or both"));
        }
        return manager(roomId, userId)
                .flatMap(membership -> {
                    Conversation room = membership.conversation();
                    String name = request.name() == null ? room.name() : request.name().strip();
                    String topic = request.topic() == null ? room.topic() : request.topic().strip();
                    validateNameAndTopic(name, topic);
                    List<String> changed = new ArrayList<>();
                    if (!name.equals(room.name())) {
                        changed.add("name");
                    }
                    if (!topic.equals(room.topic() == null ? "" : room.topic())) {
                        changed.add("topic");
                    }
                    if (changed.isEmpty()) {
                        return Mono.just(room);
                    }
                    return store.update(roomId, name, topic,
                            updated -> RoomEvents.updated(updated, userId, changed, clock.instant()));
                })
                .switchIfEmpty(Mono.error(() -> Problems.conversationNotFound(roomId)))
                .map(ConversationView::of);
    }

    /** Deletes a room (owner only): it is gone for everyone at once; its history and members are removed after. */
    @DeleteMapping("/{roomId}")
    Mono<ResponseEntity<Void>> delete(@PathVariable String roomId, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        return room(roomId)
                .then(access.requireMember(roomId, userId))
                .filter(membership -> Member.OWNER.equals(membership.member().role()))
                .switchIfEmpty(Mono.error(() -> Problems.forbidden("Only the room's owner may delete it.")))
                .flatMap(membership -> store.markDeleted(roomId,
                        RoomEvents.deleted(membership.conversation(), userId, clock.instant())))
                .thenReturn(ResponseEntity.noContent().<Void>build());
    }

    /** Joins a public room; joining again changes nothing. */
    @PostMapping("/{roomId}/join")
    Mono<ConversationView> join(@PathVariable String roomId, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        return room(roomId)
                .filter(Conversation::isPublic)
                .switchIfEmpty(Mono.error(() -> Problems.forbidden("Room " + roomId + " is private; ask an admin.")))
                .flatMap(room -> store.addMember(roomId, userId, Member.MEMBER, clock.instant(),
                                role -> changed(roomId, userId, MembershipChange.MEMBERSHIP_CHANGE_JOINED, role, userId))
                        .thenReturn(room))
                .map(ConversationView::of);
    }

    /** Adds a user (owner or admin only); adding a member again keeps their role. */
    @PostMapping("/{roomId}/members")
    Mono<ResponseEntity<MemberView>> addMember(
            @PathVariable String roomId, @RequestBody AddMemberRequest request, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        String newMember = Problems.requireId("userId", request == null ? null : request.userId());
        String role = request.role() == null ? Member.MEMBER : request.role().toLowerCase(Locale.ROOT);
        if (!Set.of(Member.MEMBER, Member.ADMIN).contains(role)) {
            return Mono.error(Problems.invalid("role", "must be member or admin"));
        }
        return manager(roomId, userId)
                .flatMap(membership -> store.addMember(roomId, newMember, role, clock.instant(),
                        added -> changed(roomId, newMember, MembershipChange.MEMBERSHIP_CHANGE_ADDED, added, userId)))
                .map(member -> ResponseEntity.status(HttpStatus.CREATED).body(MemberView.of(member)));
    }

    /** Removes a member (owner or admin), or the caller themselves (leave); the owner cannot be removed. */
    @DeleteMapping("/{roomId}/members/{memberId}")
    Mono<ResponseEntity<Void>> removeMember(
            @PathVariable String roomId, @PathVariable String memberId, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        Problems.requireId("userId", memberId);
        Mono<ConversationAccess.Membership> allowed = memberId.equals(userId)
                ? access.requireMember(roomId, userId)
                : manager(roomId, userId);
        return allowed
                .flatMap(membership -> store.findMember(roomId, memberId))
                .flatMap(member -> Member.OWNER.equals(member.role())
                        ? Mono.error(Problems.conflict("The owner cannot leave or be removed."))
                        : store.removeMember(roomId, memberId, changed(roomId, memberId, memberId.equals(userId)
                                ? MembershipChange.MEMBERSHIP_CHANGE_LEFT
                                : MembershipChange.MEMBERSHIP_CHANGE_REMOVED, null, userId)))
                .thenReturn(ResponseEntity.noContent().<Void>build());
    }

    /** The caller leaves the room. */
    @PostMapping("/{roomId}/leave")
    Mono<ResponseEntity<Void>> leave(@PathVariable String roomId, ServerWebExchange exchange) {
        return removeMember(roomId, Caller.userId(exchange), exchange);
    }

    private PendingEvent changed(String roomId, String userId, MembershipChange change, String role, String actorId) {
        return MemberEvents.membershipChanged(roomId, false, userId, change, role, actorId, clock.instant());
    }

    private Mono<Conversation> room(String roomId) {
        return access.existing(roomId)
                .filter(conversation -> !conversation.isDm())
                .switchIfEmpty(Mono.error(() -> Problems.conversationNotFound(roomId)));
    }

    private Mono<ConversationAccess.Membership> manager(String roomId, String userId) {
        return room(roomId)
                .then(access.requireMember(roomId, userId))
                .filter(membership -> membership.member().canManage())
                .switchIfEmpty(Mono.error(() -> Problems.forbidden("Only the room's owner or admins manage members.")));
    }

    private static void validateNameAndTopic(String name, String topic) {
        List<InvalidField> errors = nameAndTopicErrors(name, topic);
        if (!errors.isEmpty()) {
            throw Problems.invalid(errors);
        }
    }

    private static List<InvalidField> nameAndTopicErrors(String name, String topic) {
        List<InvalidField> errors = new ArrayList<>();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            errors.add(new InvalidField("name", "must be 1 to " + MAX_NAME + " characters"));
        } else if (!Problems.isWellFormed(name)) {
            errors.add(new InvalidField("name", "must be valid Unicode (a lone surrogate is not)"));
        }
        if (topic.length() > MAX_TOPIC) {
            errors.add(new InvalidField("topic", "at most " + MAX_TOPIC + " characters"));
        } else if (!Problems.isWellFormed(topic)) {
            errors.add(new InvalidField("topic", "must be valid Unicode (a lone surrogate is not)"));
        }
        return errors;
    }

    private Conversation validated(CreateRoomRequest request, String userId) {
        String name = request == null || request.name() == null ? "" : request.name().strip();
        String topic = request == null || request.topic() == null ? "" : request.topic().strip();
        List<InvalidField> errors = nameAndTopicErrors(name, topic);
        String visibility = request == null || request.visibility() == null ? "public" : request.visibility();
        if (!Set.of("public", "private").contains(visibility)) {
            errors.add(new InvalidField("visibility", "must be public or private"));
        }
        String moderation = request == null || request.moderationMode() == null ? "post" : request.moderationMode();
        if (!Set.of("post", "pre").contains(moderation)) {
            errors.add(new InvalidField("moderationMode", "must be post or pre"));
        }
        int retention = request == null || request.retentionDays() == null ? 0 : request.retentionDays();
        if (retention < 0 || retention > 3650) {
            errors.add(new InvalidField("retentionDays", "must be between 0 (keep forever) and 3650"));
        }
        if (!errors.isEmpty()) {
            throw Problems.invalid(errors);
        }
        return new Conversation(Ids.newId(), Conversation.ROOM, name, name.toLowerCase(Locale.ROOT),
                topic, visibility, moderation, retention, userId, clock.instant(), List.of(), false, false, List.of(), 0L,
                0L);
    }

    /** Body of {@code POST /api/rooms}; only {@code name} is required. */
    record CreateRoomRequest(String name, String topic, String visibility, String moderationMode,
                             Integer retentionDays) {
    }

    /** Body of {@code PATCH /api/rooms/{id}}; null fields are left as they are. */
    record UpdateRoomRequest(String name, String topic) {
    }

    /** Body of {@code POST /api/rooms/{id}/members}. */
    record AddMemberRequest(String userId, String role) {
    }

    /** A member as the REST API shows it. */
    record MemberView(String userId, String role, Instant joinedAt) {
        static MemberView of(Member member) {
            return new MemberView(member.userId(), member.role(), member.joinedAt());
        }
    }
}
