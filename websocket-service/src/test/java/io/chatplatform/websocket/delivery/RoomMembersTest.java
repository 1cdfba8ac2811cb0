package io.chatplatform.websocket.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.MembershipChange;
import io.chatplatform.contracts.events.MembershipChanged;
import io.chatplatform.websocket.WebSocketProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Room delivery asks chat-service only about users it has not asked about, and once every connected user is asked
 * about, finds a room's connected members without asking or copying anything; a user who connects later is asked
 * about at the next event.
 */
class RoomMembersTest {

    private static final String ROOM = "r-1";

    /** chat-service's answers: who is a member of {@link #ROOM}; every question is recorded. */
    private final Set<String> roomMembers = ConcurrentHashMap.newKeySet();
    private final List<List<String>> questions = new ArrayList<>();
    private final Users local = new Users();
    private Instant now = Instant.parse("2026-12-06T12:00:00Z");

    private final RoomMembers members = new RoomMembers(
            (roomId, userIds) -> {
                questions.add(List.copyOf(userIds));
                return Mono.just(userIds.stream().filter(roomMembers::contains).toList());
            },
            new WebSocketProperties(List.of("http://localhost:8080"), Duration.ofSeconds(5), 65536, 1024, 200,
                    "127.0.0.1:1", Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(30),
                    Duration.ofSeconds(60)),
            new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            });

    /**
     * Connected users as LocalConnections counts them: a newcomer is in the set before the count rises. Counts how
     * often the set is gone over (copied, streamed, iterated).
     */
    private static final class Users implements RoomMembers.LocalUsers {
        final AtomicLong walks = new AtomicLong();
        final Set<String> users = new java.util.AbstractSet<>() {
            private final Set<String> delegate = ConcurrentHashMap.newKeySet();

            @Override
            public java.util.Iterator<String> iterator() {
                walks.incrementAndGet();
                return delegate.iterator();
            }

            @Override
            public int size() {
                return delegate.size();
            }

            @Override
            public boolean contains(Object o) {
                return delegate.contains(o);
            }

            @Override
            public boolean add(String userId) {
                return delegate.add(userId);
            }

            @Override
            public boolean remove(Object o) {
                return delegate.remove(o);
            }
        };
        final AtomicLong newcomers = new AtomicLong();

        void connect(String... userIds) {
            for (String userId : userIds) {
                if (users.add(userId)) {
                    newcomers.incrementAndGet();
                }
            }
        }

        @Override
        public long newcomers() {
            return newcomers.get();
        }

        @Override
        public Set<String> users() {
            return users;
        }
    }

    private Set<String> connectedMembers() {
        return members.connectedMembers(ROOM, local).block();
    }

    @Test
    void asksOnceAboutTheConnectedUsersAndThenAnswersFromWhatItKnows() {
        roomMembers.addAll(Set.of("alice", "bob"));
        local.connect("alice", "bob", "carol");

        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(questions).hasSize(1);
        assertThat(questions.get(0)).containsExactlyInAnyOrder("alice", "bob", "carol");

        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(questions).as("nobody new connected: no question").hasSize(1);
    }

    @Test
    void onceEveryConnectedUserIsAskedAboutAnEventCostsTheRoomNotTheConnectedUsers() {
        roomMembers.addAll(Set.of("u-1", "u-2", "u-3"));
        for (int i = 0; i < 10_000; i++) {
            local.connect("u-" + i);
        }
        assertThat(connectedMembers()).containsExactlyInAnyOrder("u-1", "u-2", "u-3");
        long walksOfTheFirstEvent = local.walks.get();
        assertThat(walksOfTheFirstEvent).isPositive();

        for (int event = 0; event < 100; event++) {
            assertThat(connectedMembers()).containsExactlyInAnyOrder("u-1", "u-2", "u-3");
        }
        assertThat(local.walks.get()).as("the 10,000 connected users gone over again").isEqualTo(walksOfTheFirstEvent);
    }

    @Test
    void aUserWhoConnectsLaterIsAskedAboutAtTheNextEventAndOnlyThatUser() {
        roomMembers.addAll(Set.of("alice", "dave"));
        local.connect("alice", "bob");
        assertThat(connectedMembers()).containsExactly("alice");

        local.connect("dave");
        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "dave");
        assertThat(questions).hasSize(2);
        assertThat(questions.get(1)).containsExactly("dave");

        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "dave");
        assertThat(questions).hasSize(2);
    }

    @Test
    void aUserWhoLeavesIsNoLongerARecipientAndIsNotAskedAboutAgainOnReturn() {
        roomMembers.addAll(Set.of("alice", "bob"));
        local.connect("alice", "bob");
        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "bob");

        local.users.remove("bob");
        assertThat(connectedMembers()).containsExactly("alice");

        local.connect("bob");
        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(questions).as("bob's answer is still known").hasSize(1);
    }

    @Test
    void membershipEventsChangeTheAnswerWithoutAQuestion() {
        roomMembers.add("alice");
        local.connect("alice", "bob");
        assertThat(connectedMembers()).containsExactly("alice");

        members.apply(change("bob", MembershipChange.MEMBERSHIP_CHANGE_JOINED));
        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "bob");
        members.apply(change("alice", MembershipChange.MEMBERSHIP_CHANGE_LEFT));
        assertThat(connectedMembers()).containsExactly("bob");
        assertThat(questions).hasSize(1);
    }

    @Test
    void whatItKnowsExpiresAfterTheMembershipTtlAndIsAskedAgain() {
        roomMembers.add("alice");
        local.connect("alice", "bob");
        assertThat(connectedMembers()).containsExactly("alice");

        roomMembers.add("bob");
        now = now.plus(Duration.ofMinutes(5)).plusSeconds(1);
        assertThat(connectedMembers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(questions).hasSize(2);
        assertThat(questions.get(1)).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void aForgottenRoomIsAskedAboutAgain() {
        roomMembers.add("alice");
        local.connect("alice");
        assertThat(connectedMembers()).containsExactly("alice");
        members.forget(ROOM);
        roomMembers.clear();
        assertThat(connectedMembers()).isEmpty();
        assertThat(questions).hasSize(2);
    }

    private static MembershipChanged change(String userId, MembershipChange kind) {
        return MembershipChanged.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(ROOM))
                .setUserId(userId)
                .setChange(kind)
                .build();
    }
}
