package io.chatplatform.chat.message;

import io.chatplatform.chat.ChatProperties;
import io.chatplatform.chat.Ids;
import io.chatplatform.chat.Problems;
import io.chatplatform.chat.conversation.Conversation;
import io.chatplatform.chat.conversation.ConversationAccess;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.outbox.PendingEvent;
import io.chatplatform.support.problem.InvalidField;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Sending and reading messages, shared by REST and gRPC; every call checks membership first. */
@Service
public class MessageService {

    private static final int MAX_CLIENT_MSG_ID = 100;

    private final MessageStore store;
    private final ConversationAccess access;
    private final ConversationStore conversations;
    private final ChatProperties properties;
    private final Clock clock;

    MessageService(MessageStore store, ConversationAccess access, ConversationStore conversations,
                   ChatProperties properties, Optional<Clock> clock) {
        this.store = store;
        this.access = access;
        this.conversations = conversations;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Stores a message with the next seq and its {@code message.created} event, or returns the message an earlier
     * send with the same {@code (senderId, clientMsgId)} stored.
     */
    public Mono<MessageStore.Appended> send(String conversationId, String senderId, String clientMsgId, String text,
                                            String replyTo) {
        return Mono.fromRunnable(() -> validate(clientMsgId, text, replyTo))
                .then(access.requireMember(conversationId, senderId))
                .flatMap(membership -> checkReplyTo(conversationId, replyTo)
                        .then(append(membership.conversation(), senderId, clientMsgId, text, replyTo)))
                .flatMap(appended -> sameConversation(appended, conversationId));
    }

    private Mono<MessageStore.Appended> append(
            Conversation conversation, String senderId, String clientMsgId, String text, String replyTo) {
        // Millisecond precision: what MongoDB stores, so the first response and every re-read agree.
        var createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String messageId = Ids.newId();
        return store.append(conversation.id(), senderId, clientMsgId, seq -> {
            StoredMessage message = new StoredMessage(messageId, conversation.id(), conversation.kind(),
                    conversation.isDm() ? conversation.participants() : List.of(), seq, senderId, clientMsgId, text,
                    replyTo, createdAt, true, List.of(), null, false);
            // The events travel in the same document as the message: one insert stores both or neither.
            List<PendingEvent> events = List.of(MessageEvents.created(message));
            return new StoredMessage(message.id(), message.conversationId(), message.conversationKind(),
                    message.participants(), seq, senderId, clientMsgId, text, replyTo, createdAt, true, events, null,
                    false);
        });
    }

    /**
     * Replaces the text of the caller's own message and queues {@code message.edited}; the message keeps its seq
     * (the contract's MessageEdited carries the edited message's seq).
     */
    public Mono<StoredMessage> edit(String conversationId, String messageId, String editorId, String text) {
        return Mono.fromRunnable(() -> validateText(text))
                .then(ownMessage(conversationId, messageId, editorId))
                .flatMap(message -> store.edit(message, text, clock.instant().truncatedTo(ChronoUnit.MILLIS)))
                .switchIfEmpty(Mono.error(() -> Problems.conflict("The message was deleted meanwhile.")));
    }

    /** Deletes the caller's own message (a tombstone keeps its seq) and queues {@code message.deleted}; idempotent. */
    public Mono<Void> delete(String conversationId, String messageId, String userId) {
        return ownMessage(conversationId, messageId, userId)
                .flatMap(message -> store.delete(message, userId, clock.instant().truncatedTo(ChronoUnit.MILLIS)))
                .then();
    }

    private Mono<StoredMessage> ownMessage(String conversationId, String messageId, String userId) {
        return access.requireMember(conversationId, userId)
                .then(Mono.defer(() -> store.find(conversationId, Problems.requireId("messageId", messageId))))
                .switchIfEmpty(Mono.error(() -> new io.chatplatform.support.problem.ApiException(
                        org.springframework.http.HttpStatus.NOT_FOUND, "No message " + messageId + " here.")))
                .filter(message -> message.senderId().equals(userId))
                .switchIfEmpty(Mono.error(() -> Problems.forbidden("Only the sender may change a message.")));
    }

    /** A clientMsgId is unique per sender across conversations; reusing it elsewhere is a client bug. */
    private static Mono<MessageStore.Appended> sameConversation(MessageStore.Appended appended, String conversationId) {
        if (!appended.message().conversationId().equals(conversationId)) {
            return Mono.error(Problems.conflict("clientMsgId was already used for a message in another conversation."));
        }
        return Mono.just(appended);
    }

    private Mono<Void> checkReplyTo(String conversationId, String replyTo) {
        if (replyTo == null) {
            return Mono.empty();
        }
        return store.find(conversationId, replyTo)
                .switchIfEmpty(Mono.error(() -> Problems.invalid("replyTo", "no such message in this conversation")))
                .then();
    }

    private void validate(String clientMsgId, String text, String replyTo) {
        List<InvalidField> errors = new ArrayList<>();
        if (clientMsgId == null || clientMsgId.isBlank() || clientMsgId.length() > MAX_CLIENT_MSG_ID) {
            errors.add(new InvalidField("clientMsgId",
                    "must be 1 to " + MAX_CLIENT_MSG_ID + " characters"));
        }
        textError(text).ifPresent(errors::add);
        if (replyTo != null && !Problems.isId(replyTo)) {
            errors.add(new InvalidField("replyTo", "malformed message id"));
        }
        if (!errors.isEmpty()) {
            throw Problems.invalid(errors);
        }
    }

    private void validateText(String text) {
        textError(text).ifPresent(error -> {
            throw Problems.invalid(List.of(error));
        });
    }

    private Optional<InvalidField> textError(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(new InvalidField("text", "must not be empty"));
        }
        if (text.length() > properties.maxTextLength()) {
            return Optional.of(new InvalidField("text", "at most " + properties.maxTextLength() + " characters"));
        }
        return Optional.empty();
    }

    /**
     * A contiguous page by seq. With {@code after} it starts right after it (ascending, for resume); otherwise it is
     * the newest {@code limit} messages below {@code before} (or overall). 0 means "no bound".
     */
    public Mono<HistoryPage> history(String conversationId, String viewerId, long before, long after, int limit) {
        return Mono.fromRunnable(() -> validatePage(before, after, limit))
                .then(access.requireMember(conversationId, viewerId))
                .flatMap(membership -> page(conversationId, before, after, effectiveLimit(limit)));
    }

    private int effectiveLimit(int limit) {
        return limit == 0 ? properties.history().defaultLimit() : limit;
    }

    private Mono<HistoryPage> page(String conversationId, long before, long after, int limit) {
        boolean ascending = after > 0;
        // One extra row says whether there is more in the requested direction.
        Mono<List<StoredMessage>> rows = store.range(conversationId, after, before, limit + 1, ascending)
                .collectList();
        return Mono.zip(rows, store.latestSeq(conversationId))
                .map(tuple -> HistoryPage.of(tuple.getT1(), limit, ascending, tuple.getT2()));
    }

    private void validatePage(long before, long after, int limit) {
        List<InvalidField> errors = new ArrayList<>();
        if (before < 0) {
            errors.add(new InvalidField("before", "must not be negative"));
        }
        if (after < 0) {
            errors.add(new InvalidField("after", "must not be negative"));
        }
        if (limit < 0 || limit > properties.history().maxLimit()) {
            errors.add(new InvalidField("limit",
                    "must be between 1 and " + properties.history().maxLimit()));
        }
        if (!errors.isEmpty()) {
            throw Problems.invalid(errors);
        }
    }

    /** The newest message of a conversation, for lists; the caller has checked membership. */
    public Mono<MessageView> lastMessage(String conversationId) {
        return store.range(conversationId, 0, 0, 1, false)
                .next()
                .map(MessageView::of);
    }

    /**
     * Moves the user's read marker to {@code seq} (clamped to the latest seq) unless it is already further; a late or
     * repeated request never moves it back.
     */
    public Mono<ReadMarker> markRead(String conversationId, String userId, long seq) {
        return access.requireMember(conversationId, userId)
                .then(store.latestSeq(conversationId))
                .flatMap(latest -> conversations.advanceReadMarker(conversationId, userId, Math.min(seq, latest))
                        .map(member -> new ReadMarker(member.lastReadSeq(), Math.max(0, latest - member.lastReadSeq()))));
    }

    /** The effective read marker and how many messages follow it. */
    public record ReadMarker(long lastReadSeq, long unreadCount) {
    }

    /**
     * One page of history.
     *
     * @param messages  ascending by seq
     * @param hasMore   more messages exist beyond the page in the requested direction
     * @param latestSeq the conversation's newest seq when read
     */
    public record HistoryPage(List<StoredMessage> messages, boolean hasMore, long latestSeq) {

        static HistoryPage of(List<StoredMessage> rows, int limit, boolean ascending, long latestSeq) {
            boolean hasMore = rows.size() > limit;
            List<StoredMessage> page = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
            if (!ascending) {
                java.util.Collections.reverse(page);
            }
            return new HistoryPage(List.copyOf(page), hasMore, latestSeq);
        }
    }
}
