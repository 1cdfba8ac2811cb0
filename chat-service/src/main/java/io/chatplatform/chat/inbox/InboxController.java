package io.chatplatform.chat.inbox;

import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.conversation.ConversationView;
import io.chatplatform.chat.conversation.Member;
import io.chatplatform.chat.message.MessageService;
import io.chatplatform.chat.message.MessageView;
import io.chatplatform.chat.web.Caller;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/** The conversation list of the signed-in user. */
@RestController
class InboxController {

    /** Concurrent per-conversation reads (last message) while building the list. */
    private static final int CONCURRENCY = 8;

    private final ConversationStore conversations;
    private final MessageService messages;

    InboxController(ConversationStore conversations, MessageService messages) {
        this.conversations = conversations;
        this.messages = messages;
    }

    @GetMapping("/api/conversations")
    Flux<InboxEntry> list(ServerWebExchange exchange) {
        return conversations.membershipsOf(Caller.userId(exchange))
                .collectMap(Member::conversationId, Function.identity())
                .flatMapMany(this::entries)
                .sort(Comparator.comparing(InboxEntry::activityAt).reversed());
    }

    private Flux<InboxEntry> entries(Map<String, Member> memberships) {
        return conversations.findAll(memberships.keySet())
                .flatMap(conversation -> messages.lastMessage(conversation.id())
                        .map(last -> entry(ConversationView.of(conversation), memberships.get(conversation.id()), last))
                        .defaultIfEmpty(entry(ConversationView.of(conversation), memberships.get(conversation.id()),
                                null)), CONCURRENCY);
    }

    private static InboxEntry entry(ConversationView conversation, Member member, MessageView last) {
        long latest = last == null ? 0 : last.seq();
        return new InboxEntry(conversation, last, member.lastReadSeq(), Math.max(0, latest - member.lastReadSeq()));
    }

    /** One conversation in the list; {@code lastMessage} is null before the first message. */
    record InboxEntry(ConversationView conversation, MessageView lastMessage, long lastReadSeq, long unreadCount) {

        Instant activityAt() {
            return lastMessage == null ? conversation.createdAt() : lastMessage.createdAt();
        }
    }
}
