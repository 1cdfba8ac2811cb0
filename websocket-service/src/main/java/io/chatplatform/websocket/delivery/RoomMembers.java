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
import org.springframework.beans.factory.annotation.Autowired;
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

    private final Lookup lookup;
    private final WebSocketProperties properties;
    private final Clock clock;
    private final Map<String, Known> rooms = new ConcurrentHashMap<>();

    /** Which of some users are members of a room: chat-service's answer, one batch of at most {@value #BATCH}. */
    @FunctionalInterface
    interface Lookup {
        Mono<List<String>> members(String roomId, List<String> userIds);
    }

    /** This instance's connected users, as room delivery needs to see them. */
    interface LocalUsers {

        /**
         * How many times a user who had no connection here got one. Read before {@link #users()}: a user missing from
         * that view arrived later and raised the count.
         */
        long newcomers();

        /** Users with at least one connection here (a live view). */
        Set<String> users();
    }

    @Autowired
    RoomMembers(ChatClient chat, WebSocketProperties properties, Optional<Clock> clock) {
        this((roomId, userIds) -> chat.members(roomId, userIds)
                        .map(response -> response.getMembersList().stream().map(Member::getUserId).toList()),
                properties, clock.orElse(Clock.systemUTC()));
    }

    RoomMembers(Lookup lookup, WebSocketProperties properties, Clock clock) {
        this.lookup = lookup;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * What is known of one room: the users asked about, those of them who are members, and since when.
     * {@code askedUpTo}: every user connected here when {@link LocalUsers#newcomers()} read this value was asked
     * about (-1: not known).
     */
    private record Known(Set<String> asked, Set<String> members, Instant since, long askedUpTo) {

        Known upTo(long newcomers) {
            return newcomers > askedUpTo ? new Known(asked, members, since, newcomers) : this;
        }
    }

    /**
     * The members of {@code roomId} connected to this instance. While no new user has connected here since the room's
     * members were last looked up, no local user needs looking up: a room event costs the smaller of its room and
     * this instance's users, with nothing copied first.
     */
    public Mono<Set<String>> connectedMembers(String roomId, LocalUsers connections) {
        long newcomers = connections.newcomers();
        Known known = fresh(roomId);
        if (known != null && known.askedUpTo() >= newcomers) {
            return Mono.just(intersection(known.members(), connections.users()));
        }
        return membersAmong(roomId, Set.copyOf(connections.users()), newcomers);
    }

    /** The members of {@code roomId} among {@code users}. */
    public Mono<Set<String>> membersAmong(String roomId, Set<String> users) {
        return membersAmong(roomId, users, -1);
    }

    /** The room's entry unless it is older than {@code chat.websocket.membership-ttl} (then it is dropped). */
    private Known fresh(String roomId) {
        Known known = rooms.get(roomId);
        if (known != null && known.since().plus(properties.membershipTtl()).isBefore(clock.instant())) {
            rooms.remove(roomId, known);
            return null;
        }
        return known;
    }

    /**
     * @param newcomers when {@code users} are all the users connected here: {@link LocalUsers#newcomers()} read
     *                  before they were, recorded once they are all asked about; else -1
     */
    private Mono<Set<String>> membersAmong(String roomId, Set<String> users, long newcomers) {
        Known current = fresh(roomId);
        List<String> unknown = users.stream()
                .filter(userId -> current == null || !current.asked().contains(userId))
                .toList();
        if (unknown.isEmpty()) {
            if (newcomers > current.askedUpTo()) {
                rooms.computeIfPresent(roomId, (id, known) -> known == current ? known.upTo(newcomers) : known);
            }
            return Mono.just(intersection(current.members(), users));
        }
        return Flux.fromIterable(unknown)
                .buffer(BATCH)
                .concatMap(batch -> lookup.members(roomId, batch).map(members -> Map.entry(batch, members)))
                .collectList()
                .map(answers -> {
                    Known merged = rooms.compute(roomId, (id, existing) -> {
                        Known base = existing == null
                                ? new Known(Set.of(), Set.of(), clock.instant(), -1)
                                : existing;
                        Set<String> asked = new HashSet<>(base.asked());
                        Set<String> members = new HashSet<>(base.members());
                        answers.forEach(answer -> {
                            asked.addAll(answer.getKey());
                            members.addAll(answer.getValue());
                        });
                        Known next = new Known(Set.copyOf(asked), Set.copyOf(members), base.since(),
                                base.askedUpTo());
                        // Everyone in users is asked about now, unless the entry expired and was asked anew in the
                        // meantime, without some of those asked before: then the next event looks again.
                        return asked.containsAll(users) ? next.upTo(newcomers) : next;
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
            return new Known(Set.copyOf(asked), Set.copyOf(members), known.since(), known.askedUpTo());
        });
    }

    /** Forgets a room (deleted). */
    public void forget(String roomId) {
        rooms.remove(roomId);
    }

    /** Goes over the smaller of the two sets: a big room on an instance with few users, or the other way round. */
    private static Set<String> intersection(Set<String> members, Set<String> users) {
        Set<String> smaller = members.size() <= users.size() ? members : users;
        Set<String> larger = smaller == members ? users : members;
        Set<String> result = new HashSet<>();
        for (String userId : smaller) {
            if (larger.contains(userId)) {
                result.add(userId);
            }
        }
        return result;
    }
}
