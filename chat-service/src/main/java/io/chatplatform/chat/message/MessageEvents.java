package io.chatplatform.chat.message;

import com.google.protobuf.Timestamp;
import io.chatplatform.chat.Ids;
import io.chatplatform.chat.observability.CurrentTrace;
import io.chatplatform.chat.outbox.PendingEvent;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.EntryKind;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.MessageCreated;
import io.chatplatform.contracts.events.MessageDeleted;
import io.chatplatform.contracts.events.MessageEdited;
import io.chatplatform.contracts.events.MessageHidden;
import io.chatplatform.contracts.events.MessageReleased;
import java.time.Instant;
import java.util.List;

/** Builds the protobuf forms of log entries and the events stored in their outbox. */
public final class MessageEvents {

    static final String PRODUCER = "chat-service";
    /** The actor id of changes made by a service on its own (automatic moderation verdicts). */
    public static final String SYSTEM = "system";

    private MessageEvents() {
    }

    /**
     * {@code message.created}, keyed by the conversation; for DMs it names the recipient. Carries the text even when
     * the message is held: consumers deliver a held message to its sender only.
     */
    static PendingEvent created(StoredMessage message) {
        MessageCreated.Builder created = MessageCreated.newBuilder()
                .setMessage(toProto(message))
                .addAllRecipientUserIds(recipients(message));
        return pending(envelope(message.conversationId(), message.createdAt())
                .setMessageCreated(created)
                .build());
    }

    /** {@code message.released}: a held message was allowed; consumers now deliver it to everyone. */
    static PendingEvent released(StoredMessage message) {
        return pending(envelope(message.conversationId(), message.createdAt())
                .setMessageReleased(MessageReleased.newBuilder()
                        .setMessage(toProto(message))
                        .addAllRecipientUserIds(recipients(message)))
                .build());
    }

    /** {@code message.edited}, carried by the edit entry {@code change}. */
    static PendingEvent edited(StoredMessage change) {
        return pending(envelope(change.conversationId(), change.createdAt())
                .setMessageEdited(MessageEdited.newBuilder()
                        .setConversation(conversationRef(change.conversationId(), change.isDm()))
                        .setMessageId(change.targetId())
                        .setSeq(change.targetSeq())
                        .setText(change.text())
                        .setEditedAt(timestamp(change.createdAt()))
                        .setEditorUserId(change.senderId())
                        .setChangeSeq(change.seq()))
                .build());
    }

    /** {@code message.deleted}, carried by the delete entry {@code change}. */
    static PendingEvent deleted(StoredMessage change) {
        return pending(envelope(change.conversationId(), change.createdAt())
                .setMessageDeleted(MessageDeleted.newBuilder()
                        .setConversation(conversationRef(change.conversationId(), change.isDm()))
                        .setMessageId(change.targetId())
                        .setSeq(change.targetSeq())
                        .setDeletedAt(timestamp(change.createdAt()))
                        .setDeletedByUserId(change.senderId())
                        .setChangeSeq(change.seq()))
                .build());
    }

    /** {@code message.hidden}, carried by the hide entry {@code change} about {@code target}. */
    static PendingEvent hidden(StoredMessage change, StoredMessage target) {
        StoredMessage.HiddenBy by = change.moderation();
        return pending(envelope(change.conversationId(), change.createdAt())
                .setMessageHidden(MessageHidden.newBuilder()
                        .setConversation(conversationRef(change.conversationId(), change.isDm()))
                        .setMessageId(target.id())
                        .setSeq(target.seq())
                        .setSenderUserId(target.senderId())
                        .setReason(by.reason())
                        .setHiddenBy(actor(by.actorId()))
                        .setHiddenAt(timestamp(by.at()))
                        .setFlagId(by.flagId() == null ? "" : by.flagId())
                        .setChangeSeq(change.seq()))
                .build());
    }

    private static Actor actor(String actorId) {
        return SYSTEM.equals(actorId)
                ? Actor.newBuilder().setKind(ActorKind.ACTOR_KIND_SYSTEM).setService("moderation-service").build()
                : Actor.newBuilder().setKind(ActorKind.ACTOR_KIND_MODERATOR).setUserId(actorId).build();
    }

    private static List<String> recipients(StoredMessage message) {
        return message.isDm()
                ? message.participants().stream().filter(userId -> !userId.equals(message.senderId())).toList()
                : List.of();
    }

    /**
     * An envelope from chat-service keyed (partitioned) by {@code conversationId}, carrying the current trace context;
     * the payload is the caller's.
     */
    public static EventEnvelope.Builder envelope(String conversationId, Instant at) {
        return EventEnvelope.newBuilder()
                .setEventId(Ids.newId())
                .setOccurredAt(timestamp(at))
                .setProducer(PRODUCER)
                .setPartitionKey(conversationId)
                .setTrace(CurrentTrace.context());
    }

    /** The envelope with its type set from its payload, as an outbox entry. */
    public static PendingEvent pending(EventEnvelope withoutType) {
        EventEnvelope envelope = withoutType.toBuilder()
                .setType(EventTypes.of(withoutType.getPayloadCase()))
                .build();
        return new PendingEvent(envelope.getEventId(), envelope.getType(), envelope.toByteArray());
    }

    /** An entry as events carry it: with its text, for the services that act on it (moderation, notifications). */
    public static ChatMessage toProto(StoredMessage message) {
        return toProto(message, true);
    }

    /** An entry as {@code viewerId} may see it: without text when deleted, hidden, or held from this viewer. */
    public static ChatMessage toProto(StoredMessage message, String viewerId) {
        return toProto(message, message.textVisibleTo(viewerId));
    }

    private static ChatMessage toProto(StoredMessage message, boolean withText) {
        ChatMessage.Builder proto = ChatMessage.newBuilder()
                .setMessageId(message.id())
                .setConversation(conversationRef(message.conversationId(), message.isDm()))
                .setSeq(message.seq())
                .setSenderUserId(message.senderId())
                .setClientMsgId(message.isMessage() ? message.clientMsgId() : "")
                .setText(withText && message.text() != null ? message.text() : "")
                .setCreatedAt(timestamp(message.createdAt()))
                .setModerationState(moderationState(message.moderationState()))
                .setDeleted(message.deleted())
                .addAllMentionedUserIds(message.mentions())
                .setReplyToMessageId(message.replyTo() == null ? "" : message.replyTo())
                .setKind(kind(message.kind()));
        if (message.editedAt() != null && !message.deleted()) {
            proto.setEditedAt(timestamp(message.editedAt()));
        }
        if (message.targetId() != null) {
            proto.setTargetMessageId(message.targetId()).setTargetSeq(message.targetSeq());
        }
        return proto.build();
    }

    public static ModerationState moderationState(String state) {
        return switch (state) {
            case StoredMessage.HELD -> ModerationState.MODERATION_STATE_HELD;
            case StoredMessage.APPROVED -> ModerationState.MODERATION_STATE_APPROVED;
            case StoredMessage.HIDDEN -> ModerationState.MODERATION_STATE_HIDDEN;
            default -> ModerationState.MODERATION_STATE_PENDING;
        };
    }

    private static EntryKind kind(String kind) {
        return switch (kind) {
            case StoredMessage.EDIT -> EntryKind.ENTRY_KIND_EDIT;
            case StoredMessage.DELETE -> EntryKind.ENTRY_KIND_DELETE;
            case StoredMessage.HIDE -> EntryKind.ENTRY_KIND_HIDE;
            default -> EntryKind.ENTRY_KIND_MESSAGE;
        };
    }

    public static ConversationRef conversationRef(String conversationId, boolean dm) {
        return ConversationRef.newBuilder()
                .setId(conversationId)
                .setKind(dm ? ConversationKind.CONVERSATION_KIND_DM : ConversationKind.CONVERSATION_KIND_ROOM)
                .build();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
