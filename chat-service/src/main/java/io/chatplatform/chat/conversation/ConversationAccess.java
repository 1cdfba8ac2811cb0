package io.chatplatform.chat.conversation;

import io.chatplatform.chat.Problems;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The one membership check: every read and write of a conversation asks here first. */
@Component
public class ConversationAccess {

    private final ConversationStore store;

    ConversationAccess(ConversationStore store) {
        this.store = store;
    }

    /** The conversation and the caller's membership; 404 problem if unknown, 403 problem if not a member. */
    public Mono<Membership> requireMember(String conversationId, String userId) {
        return existing(conversationId)
                .flatMap(conversation -> store.findRecentMember(conversation, userId)
                        .switchIfEmpty(Mono.error(() -> Problems.notAMember(conversationId)))
                        .map(member -> new Membership(conversation, member)));
    }

    /** The conversation, or a 404 problem. */
    public Mono<Conversation> existing(String conversationId) {
        if (!Problems.isId(conversationId)) {
            return Mono.error(Problems.invalid("conversationId", "malformed id"));
        }
        return store.findRecent(conversationId)
                .switchIfEmpty(Mono.error(() -> Problems.conversationNotFound(conversationId)));
    }

    /** A conversation seen by one of its members. */
    public record Membership(Conversation conversation, Member member) {
    }
}
