package io.chatplatform.chat.inbox;

import io.chatplatform.chat.Cursor;
import io.chatplatform.chat.Problems;
import io.chatplatform.chat.conversation.Conversation;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.conversation.ConversationView;
import io.chatplatform.chat.conversation.Member;
import io.chatplatform.chat.message.MessageService;
import io.chatplatform.chat.message.MessageView;
import io.chatplatform.chat.web.Caller;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The conversation list of the signed-in user. */
@RestController
class InboxController {

    private static final int MAX_PAGE = 200;
    /** Most recent activity first; the id breaks ties so the order, and so the cursor, is total. */
    private static final Comparator<InboxEntry> NEWEST_FIRST = Comparator.comparing(InboxEntry::activityAt)
            .reversed()
            .thenComparing(entry -> entry.conversation().id());

    /** Concurrent per-conversation reads (last message) while building the list. */
    private static final int CONCURRENCY = 8;

    private final ConversationStore conversations;
    private final MessageService messages;

    InboxController(ConversationStore conversations, MessageService messages) {
        this.conversations = conversations;
        this.messages = messages;
    }

    /**
     * The caller's rooms and DMs, most recent activity first, a page at a time. The whole list is assembled per
     * request (one read per conversation), which is fine for the hundreds of conversations a user has; the cursor is
     * the last entry's (activity time, id).
     */
    @GetMapping("/api/conversations")
    Mono<Cursor.Page<InboxEntry>> list(@RequestParam(defaultValue = "50") int limit,
                                       @RequestParam(required = false) String cursor, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        if (limit < 1 || limit > MAX_PAGE) {
            return Mono.error(Problems.invalid("limit", "must be between 1 and " + MAX_PAGE));
        }
        List<String> after = cursor == null ? null : Cursor.decode(cursor, 2);
        Instant afterAt = after == null ? null : parseInstant(after.get(0));
        return conversations.membershipsOf(userId)
                .collectMap(Member::conversationId, Function.identity())
                .flatMapMany(memberships -> entries(userId, memberships))
                .sort(NEWEST_FIRST)
                .filter(entry -> after == null || NEWEST_FIRST.compare(entry,
                        InboxEntry.position(afterAt, after.get(1))) > 0)
                .take(limit + 1L)
                .collectList()
                .map(rows -> {
                    List<InboxEntry> page = rows.subList(0, Math.min(limit, rows.size()));
                    InboxEntry last = page.isEmpty() ? null : page.get(page.size() - 1);
                    String next = rows.size() > limit
                            ? Cursor.encode(last.activityAt().toString(), last.conversation().id())
                            : null;
                    return new Cursor.Page<>(List.copyOf(page), next);
                });
    }

    private static Instant parseInstant(String value) {
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw Problems.invalid("cursor", "not a cursor this list returned");
        }
    }

    private Flux<InboxEntry> entries(String userId, Map<String, Member> memberships) {
        return conversations.findAll(memberships.keySet())
                .flatMap(conversation -> entry(userId, conversation, memberships.get(conversation.id())), CONCURRENCY);
    }

    private Mono<InboxEntry> entry(String userId, Conversation conversation, Member member) {
        Mono<Optional<MessageView>> last = messages.lastMessage(conversation, userId)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
        return Mono.zip(last, messages.unreadCount(conversation, userId, member.lastReadSeq()))
                .map(tuple -> new InboxEntry(ConversationView.of(conversation), tuple.getT1().orElse(null),
                        member.lastReadSeq(), tuple.getT2()));
    }

    /** One conversation in the list; {@code lastMessage} is null before the first message. */
    record InboxEntry(ConversationView conversation, MessageView lastMessage, long lastReadSeq, long unreadCount) {

        Instant activityAt() {
            return lastMessage == null ? conversation.createdAt() : lastMessage.createdAt();
        }

        /** A stand-in with only the sort key, to compare entries against a cursor. */
        static InboxEntry position(Instant activityAt, String conversationId) {
            return new InboxEntry(new ConversationView(conversationId, null, null, null, null, null, 0, null,
                    activityAt, List.of()), null, 0, 0);
        }
    }
}
