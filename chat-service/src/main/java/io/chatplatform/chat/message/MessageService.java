package io.chatplatform.chat.message;

import io.chatplatform.chat.ChatProperties;
import io.chatplatform.chat.Ids;
import io.chatplatform.chat.Problems;
import io.chatplatform.chat.conversation.Conversation;
import io.chatplatform.chat.conversation.ConversationAccess;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.conversation.Member;
import io.chatplatform.chat.ratelimit.ChatRateLimits;
import io.chatplatform.chat.user.UserDirectory;
import io.chatplatform.support.problem.ApiException;
import io.chatplatform.support.problem.InvalidField;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
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
    private final HeldMessages held;
    private final UserDirectory users;
    private final ChatRateLimits rateLimits;
    private final Clock clock;

    MessageService(MessageStore store, ConversationAccess access, ConversationStore conversations,
                   ChatProperties properties, HeldMessages held, UserDirectory users, ChatRateLimits rateLimits,
                   Optional<Clock> clock) {
        this.store = store;
        this.held = held;
        this.users = users;
        this.rateLimits = rateLimits;
        this.access = access;
        this.conversations = conversations;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Stores a message with the next seq and its {@code message.created} event, or returns the message an earlier
     * send with the same {@code (senderId, clientMsgId)} stored.
     *
     * <p>Nothing is looked up first: the insert itself finds a repeat (the unique {@code (senderId, clientMsgId)}
     * index refuses it, and the earlier message is read then), so a new message costs no idempotency read. A repeat
     * is still answered whatever the checks before the insert say now (over the rate limit, its reply-to since
     * purged): those refusals look the send up before they are returned; and a repeat that passed the rate limit is
     * not counted against it.
     */
    public Mono<MessageStore.Appended> send(String conversationId, String senderId, String clientMsgId, String text,
                                            String replyTo) {
        return Mono.fromRunnable(() -> validate(clientMsgId, text, replyTo))
                .then(access.requireMember(conversationId, senderId))
                .flatMap(membership -> users.requireActive(senderId)
                        .then(Mono.defer(() -> checksBeforeStoring(senderId, conversationId, text, replyTo)))
                        .flatMap(mentions -> append(membership.conversation(), senderId, clientMsgId, text,
                                replyTo, mentions))
                        .flatMap(appended -> appended.duplicate()
                                ? rateLimits.uncountSend(senderId, conversationId).thenReturn(appended)
                                : Mono.just(appended))
                        .onErrorResume(Refused.class, refused -> repeatOf(senderId, clientMsgId, refused)))
                .flatMap(appended -> sameConversation(appended, conversationId))
                .doOnNext(this::queueForVerdict);
    }

    /** The rate limit, the reply-to and the mentions; a refusal comes out as {@link Refused}. */
    private Mono<List<String>> checksBeforeStoring(String senderId, String conversationId, String text,
                                                   String replyTo) {
        return rateLimits.checkSend(senderId, conversationId)
                .then(checkReplyTo(conversationId, replyTo))
                .then(users.resolveMentions(text))
                .onErrorMap(Refused::new);
    }

    /** The message an earlier send with this clientMsgId stored, else the refusal. */
    private Mono<MessageStore.Appended> repeatOf(String senderId, String clientMsgId, Refused refused) {
        return store.findBySender(senderId, clientMsgId)
                .map(earlier -> new MessageStore.Appended(earlier, true))
                .switchIfEmpty(Mono.error(refused.getCause()));
    }

    /** A check before the insert refused the send; it is returned unless the send is a repeat. */
    private static final class Refused extends RuntimeException {
        Refused(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private Mono<MessageStore.Appended> append(Conversation conversation, String senderId, String clientMsgId,
                                               String text, String replyTo, List<String> mentions) {
        // Millisecond precision: what MongoDB stores, so the first response and every re-read agree.
        var createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String messageId = Ids.newId();
        String state = conversation.isPreModerated() ? StoredMessage.HELD : StoredMessage.PENDING;
        return store.appendNew(senderId, clientMsgId, conversation.id(), seq -> {
            StoredMessage message = new StoredMessage(messageId, conversation.id(), conversation.kind(),
                    conversation.isDm() ? conversation.participants() : List.of(), seq, StoredMessage.MESSAGE,
                    senderId, clientMsgId, text, replyTo, mentions, createdAt, true, List.of(), null, false, state,
                    null, null, 0L);
            // The events travel in the same document as the message: one insert stores both or neither.
            return message.withEvents(List.of(MessageEvents.created(message)));
        });
    }

    /** A new held message goes to pre-moderation at once; a repeat of an earlier send was queued by that send. */
    private void queueForVerdict(MessageStore.Appended appended) {
        if (!appended.duplicate() && appended.message().isHeld()) {
            held.offer(appended.message());
        }
    }

    /**
     * Replaces the text of the caller's own message within the edit window. The edit is an entry of its own with the
     * next seq, carrying {@code message.edited}; the message shows the new text in history from then on.
     */
    public Mono<StoredMessage> edit(String conversationId, String messageId, String editorId, String text) {
        return Mono.fromRunnable(() -> validateText(text))
                .then(changeable(conversationId, messageId, editorId))
                .flatMap(target -> users.requireActive(editorId).thenReturn(target))
                .filter(target -> target.message().senderId().equals(editorId))
                .switchIfEmpty(Mono.error(() -> Problems.forbidden("Only the sender may edit a message.")))
                .map(ChangeTarget::message)
                .filter(this::withinEditWindow)
                .switchIfEmpty(Mono.error(() -> Problems.conflict(
                        "Messages can be edited for " + properties.editWindow() + " after sending.")))
                .filter(target -> !target.deleted() && !target.isHidden())
                .switchIfEmpty(Mono.error(() -> Problems.conflict("A deleted or hidden message cannot be edited.")))
                .flatMap(target -> appendChange(target, StoredMessage.EDIT, editorId, text)
                        // Deleted or hidden between the check and the append: the edit entry keeps its seq (no gap)
                        // but loses its text, like the message's other edits.
                        .flatMap(change -> store.applyEdit(change)
                                .switchIfEmpty(store.voidChange(change).then(Mono.empty()))))
                .switchIfEmpty(Mono.error(() -> Problems.conflict("The message was deleted or hidden meanwhile.")));
    }

    private boolean withinEditWindow(StoredMessage message) {
        return !clock.instant().isAfter(message.createdAt().plus(properties.editWindow()));
    }

    /**
     * Deletes a message: its sender may, so may a room's owner and admins and any moderator. The message becomes a
     * tombstone that keeps its seq, and a delete entry with the next seq carries {@code message.deleted}. Deleting
     * again changes nothing and emits nothing.
     */
    public Mono<Void> delete(String conversationId, String messageId, Actor caller) {
        return changeable(conversationId, messageId, caller.userId())
                .filter(target -> target.message().senderId().equals(caller.userId())
                        || caller.moderator()
                        || (!target.conversation().isDm() && target.member().canManage()))
                .switchIfEmpty(Mono.error(() -> Problems.forbidden(
                        "Only the sender, the room's admins or a moderator may delete a message.")))
                .flatMap(target -> store.markDeleted(target.message(), now())
                        .flatMap(deleted -> appendChange(target.message(), StoredMessage.DELETE, caller.userId(),
                                "")))
                .then();
    }

    /** The user a change is made for, and whether they hold the platform's moderator role. */
    public record Actor(String userId, boolean moderator) {
    }

    private Mono<ChangeTarget> changeable(String conversationId, String messageId, String userId) {
        return access.requireMember(conversationId, userId)
                .flatMap(membership -> Mono.defer(() -> store.find(conversationId,
                                Problems.requireId("messageId", messageId)))
                        .filter(StoredMessage::isMessage)
                        .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND,
                                "No message " + messageId + " here.")))
                        .map(message -> new ChangeTarget(membership.conversation(), membership.member(), message)));
    }

    private record ChangeTarget(Conversation conversation, Member member, StoredMessage message) {
    }

    /** Stores the change entry about {@code target} with the next seq and its event. */
    private Mono<StoredMessage> appendChange(StoredMessage target, String kind, String actorId, String text) {
        Instant at = now();
        String changeId = Ids.newId();
        return store.appendChange(target.conversationId(), seq -> {
            StoredMessage change = new StoredMessage(changeId, target.conversationId(), target.conversationKind(),
                    target.participants(), seq, kind, actorId, "change:" + changeId, text, null, List.of(), at,
                    true, List.of(), null, StoredMessage.DELETE.equals(kind), target.moderationState(), null,
                    target.id(), target.seq());
            return change.withEvents(List.of(StoredMessage.EDIT.equals(kind)
                    ? MessageEvents.edited(change)
                    : MessageEvents.deleted(change)));
        });
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
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
        if (clientMsgId == null || clientMsgId.isBlank() || clientMsgId.length() > MAX_CLIENT_MSG_ID
                || !Problems.isWellFormed(clientMsgId)) {
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
        if (!Problems.isWellFormed(text)) {
            return Optional.of(new InvalidField("text", "must be valid Unicode (a lone surrogate is not)"));
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
                .flatMap(membership -> page(membership.conversation(), before, after, effectiveLimit(limit)));
    }

    private int effectiveLimit(int limit) {
        return limit == 0 ? properties.history().defaultLimit() : limit;
    }

    private Mono<HistoryPage> page(Conversation conversation, long before, long after, int limit) {
        // One extra row says whether there is more in the requested direction.
        if (before == 0 && after == 0) {
            // The first page, which every opened conversation reads: the latest seq comes with it.
            return store.newest(conversation, limit + 1)
                    .map(newest -> HistoryPage.of(newest.entries(), limit, false, newest.latestSeq()));
        }
        boolean ascending = after > 0;
        return store.latestSeq(conversation)
                .flatMap(latest -> store.range(conversation.id(), after, before, limit + 1, ascending, latest)
                        .collectList()
                        .map(rows -> HistoryPage.of(rows, limit, ascending, latest)));
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

    /** The newest message (not change) of a conversation as {@code viewerId} sees it; the caller checked membership. */
    public Mono<MessageView> lastMessage(Conversation conversation, String viewerId) {
        return store.lastMessage(conversation)
                .map(message -> MessageView.of(message, viewerId));
    }

    /** Readable messages from others after the viewer's read marker, counted up to {@link MessageStore#UNREAD_CAP}. */
    public Mono<Long> unreadCount(Conversation conversation, String viewerId, long lastReadSeq) {
        return store.unreadCount(conversation, viewerId, lastReadSeq);
    }

    /**
     * Moves the user's read marker to {@code seq} (clamped to the latest seq) unless it is already further; a late or
     * repeated request never moves it back.
     */
    public Mono<ReadMarker> markRead(String conversationId, String userId, long seq) {
        return access.requireMember(conversationId, userId)
                .flatMap(membership -> store.latestSeq(membership.conversation())
                        .flatMap(latest -> conversations.advanceReadMarker(membership.conversation(), userId,
                                Math.min(seq, latest), now()))
                        .flatMap(member -> unreadCount(membership.conversation(), userId, member.lastReadSeq())
                                .map(unread -> new ReadMarker(member.lastReadSeq(), unread))));
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
