package io.chatplatform.chat.message;

import io.chatplatform.chat.outbox.PendingEvent;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One entry of a conversation's log, with its outbox (the events about it that are not yet published). An entry is a
 * message, or a change to an earlier message (edit, delete, hide) that takes its own seq, so a client that resumes
 * after a seq receives the changes too and converges. The changed message itself is updated in place as well, so
 * history shows its current state.
 *
 * @param kind             {@link #MESSAGE}, {@link #EDIT}, {@link #DELETE} or {@link #HIDE}
 * @param conversationKind {@code room} or {@code dm}, copied here so the relay routes without another read
 * @param participants     the two users of a DM (their Redis channels); empty for rooms
 * @param senderId         the sender; for a change, the user who made it ({@code system} for automatic verdicts)
 * @param clientMsgId      the sender's idempotency key; for a change, a key derived from its id (unique per sender)
 * @param text             verbatim text; for an edit, the new text; kept for audit when hidden, never served then
 * @param mentions         user ids named with {@code @username}, resolved when stored
 * @param outboxPending    true while {@code pendingEvents} has events the relay has not published
 * @param editedAt         last edit, null if never edited
 * @param deleted          deleted: a tombstone without text that keeps its seq
 * @param moderationState  {@code pending} (post-moderation: delivered, no ALLOW verdict yet, or kept for review),
 *                         {@code held} (pre-moderation, sender only), {@code approved} (moderation allowed it), or
 *                         {@code hidden} (retracted by moderation; text kept for audit)
 * @param moderation       why and by whom it was hidden, null otherwise
 * @param targetId         for a change, the message it changes
 * @param targetSeq        for a change, that message's seq
 */
@Document("messages")
public record StoredMessage(
        @Id String id,
        String conversationId,
        String conversationKind,
        List<String> participants,
        long seq,
        String kind,
        String senderId,
        String clientMsgId,
        String text,
        String replyTo,
        List<String> mentions,
        Instant createdAt,
        boolean outboxPending,
        List<PendingEvent> pendingEvents,
        Instant editedAt,
        boolean deleted,
        String moderationState,
        HiddenBy moderation,
        String targetId,
        Long targetSeq) {

    public static final String MESSAGE = "message";
    public static final String EDIT = "edit";
    public static final String DELETE = "delete";
    public static final String HIDE = "hide";

    public static final String PENDING = "pending";
    public static final String HELD = "held";
    public static final String APPROVED = "approved";
    public static final String HIDDEN = "hidden";

    /** Fields older documents lack get their defaults. */
    public StoredMessage {
        targetSeq = targetSeq == null ? 0L : targetSeq;
        kind = kind == null ? MESSAGE : kind;
        mentions = mentions == null ? List.of() : mentions;
        moderationState = moderationState == null ? PENDING : moderationState;
    }

    public boolean isDm() {
        return "dm".equals(conversationKind);
    }

    public boolean isMessage() {
        return MESSAGE.equals(kind);
    }

    public boolean isHidden() {
        return HIDDEN.equals(moderationState);
    }

    public boolean isHeld() {
        return HELD.equals(moderationState);
    }

    /** Whether {@code viewerId} may read the text: not deleted, not hidden, and if held only by its sender. */
    public boolean textVisibleTo(String viewerId) {
        return !deleted && !isHidden() && (!isHeld() || senderId.equals(viewerId));
    }

    /** The same entry with its outbox replaced. */
    StoredMessage withEvents(List<PendingEvent> events) {
        return new StoredMessage(id, conversationId, conversationKind, participants, seq, kind, senderId, clientMsgId,
                text, replyTo, mentions, createdAt, !events.isEmpty(), events, editedAt, deleted, moderationState,
                moderation, targetId, targetSeq);
    }

    /**
     * Who hid a message and why, kept with it for audit.
     *
     * @param actorId user id of the moderator, or {@code system}
     * @param reason  the moderator's or rule's reason
     * @param flagId  the moderation flag behind it, if any
     * @param at      when it was hidden
     */
    public record HiddenBy(String actorId, String reason, String flagId, Instant at) {
    }
}
