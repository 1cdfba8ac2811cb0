package io.chatplatform.chat.conversation;

import io.chatplatform.chat.Problems;
import io.chatplatform.chat.outbox.PendingEvent;
import io.chatplatform.chat.web.Caller;
import io.chatplatform.contracts.events.MembershipChange;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Direct messages: {@code POST /api/dm/{userId}} opens the one DM of the caller and that user, or returns it. */
@RestController
class DmController {

    private final ConversationStore store;
    private final Clock clock;

    DmController(ConversationStore store, Optional<Clock> clock) {
        this.store = store;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @PostMapping("/api/dm/{userId}")
    Mono<ConversationView> open(@PathVariable String userId, ServerWebExchange exchange) {
        String caller = Caller.userId(exchange);
        Problems.requireId("userId", userId);
        if (userId.equals(caller)) {
            return Mono.error(Problems.invalid("userId", "a DM needs another user"));
        }
        Instant now = clock.instant();
        Conversation dm = new Conversation(Conversation.dmId(caller, userId), Conversation.DM, null, null, null,
                "private", "post", 0, caller, now, Conversation.sortedPair(caller, userId), false, false, List.of(), 0L,
                0L);
        // Inserts on deterministic ids: repeating or racing this request converges on one DM and two members.
        return store.upsertDm(dm)
                .flatMap(saved -> store.addMember(saved.id(), caller, Member.MEMBER, now,
                                role -> joined(saved.id(), caller, caller, now))
                        .then(store.addMember(saved.id(), userId, Member.MEMBER, now,
                                role -> joined(saved.id(), userId, caller, now)))
                        .thenReturn(saved))
                .map(ConversationView::of);
    }

    private static PendingEvent joined(String dmId, String userId, String actorId, Instant at) {
        return MemberEvents.membershipChanged(dmId, true, userId, MembershipChange.MEMBERSHIP_CHANGE_JOINED,
                Member.MEMBER, actorId, at);
    }
}
