package io.chatplatform.websocket.delivery;

import io.chatplatform.contracts.chat.Member;
import io.chatplatform.contracts.events.MembershipChange;
import io.chatplatform.contracts.events.MembershipChanged;
import io.chatplatform.websocket.WebSocketProperties;
import io.chatplatform.websocket.chat.ChatClient;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which locally connected users are members of a room: asked of chat-service (ChatService.Membership, only about
 * users not asked about yet), kept per room, and kept fresh by {@code membership.changed} events; an entry nobody
 * refreshed for {@code chat.websocket.membership-ttl} is asked again.
 */
@Component
public class RoomMembers {

    private static final int BATCH = 500;

    private final ChatClient chat;
    private final WebSocketProperties properties;
    private final Clock clock;
    private final Map<String, Known> rooms = new ConcurrentHashMap<>();

    RoomMembers(ChatClient chat, WebSocketProperties properties, Optional<Clock> clock) {
        this.chat = chat;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** What is known of one room: the users asked about, those of them who are members, and since when. */
    private record Known(Set<String> asked, Set<String> members, Instant since) {
    }

    /** The members of {@code roomId} among {@code users}. */
    public Mono<Set<String>> membersAmong(String roomId, Set<String> users) {
        Known known = rooms.get(roomId);
        if (known != null && known.since().plus(properties.membershipTtl()).isBefore(clock.instant())) {
            rooms.remove(roomId, known);
            known = null;
        }
        Known current = known;
        List<String> unknown = users.stream()
                .filter(userId -> current == null || !current.asked().contains(userId))
                .toList();
        if (unknown.isEmpty()) {
            return Mono.just(intersection(current.members(), users));
        }
        return Flux.fromIterable(unknown)
                .buffer(BATCH)
                .concatMap(batch -> chat.members(roomId, batch)
                        .map(response -> response.getMembersList().stream().map(Member::getUserId).toList())
                        .map(members -> Map.entry(batch, members)))
                .collectList()
                .map(answers -> {
                    Known merged = rooms.compute(roomId, (id, existing) -> {
                        Known base = existing == null ? new Known(Set.of(), Set.of(), clock.instant()) : existing;
                        Set<String> asked = new HashSet<>(base.asked());
                        Set<String> members = new HashSet<>(base.members());
                        answers.forEach(answer -> {
                            asked.addAll(answer.getKey());
                            members.addAll(answer.getValue());
                        });
                        return new Known(Set.copyOf(asked), Set.copyOf(members), base.since());
                    });
                    return intersection(merged.members(), users);
                });
    }

    /** Applies a membership change learned from {@code chat.room-events}. */
    public void apply(MembershipChanged change) {
        boolean member = change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_JOINED
                || change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_ADDED
                || change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_ROLE_CHANGED;
        rooms.computeIfPresent(change.getConversation().getId(), (id, known) -> {
            Set<String> asked = new HashSet<>(known.asked());
            Set<String> members = new HashSet<>(known.members());
            asked.add(change.getUserId());
            if (member) {
                members.add(change.getUserId());
            } else {
                members.remove(change.getUserId());
            }
            return new Known(Set.copyOf(asked), Set.copyOf(members), known.since());
        });
    }

    /** Forgets a room (deleted). */
    public void forget(String roomId) {
        rooms.remove(roomId);
    }

    private static Set<String> intersection(Set<String> members, Set<String> users) {
        Set<String> result = new HashSet<>(members);
        result.retainAll(users);
        return result;
    }
}
