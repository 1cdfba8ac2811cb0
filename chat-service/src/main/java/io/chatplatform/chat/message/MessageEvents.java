package io.chatplatform.chat.message;

import com.google.protobuf.Timestamp;
import io.chatplatform.chat.Ids;
import io.chatplatform.chat.outbox.PendingEvent;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.MessageCreated;
import io.chatplatform.contracts.events.MessageDeleted;
import io.chatplatform.contracts.events.MessageEdited;
import java.time.Instant;

/** Builds the protobuf forms of messages and the events stored in their outbox. */
public final class MessageEvents {

    static final String PRODUCER = "chat-service";

    private MessageEvents() {
    }

    /** {@code message.created}, keyed by the conversation; for DMs it names the recipient. */
    static PendingEvent created(StoredMessage message) {
        MessageCreated.Builder created = MessageCreated.newBuilder()
                .setMessage(toProto(message));
        if (message.isDm()) {
            message.participants().stream()
                    .filter(userId -> !userId.equals(message.senderId()))
                    .forEach(created::addRecipientUserIds);
        }
        EventEnvelope envelope = EventEnvelope.newBuilder()
                .setEventId(Ids.newId())
                .setOccurredAt(timestamp(message.createdAt()))
                .setProducer(PRODUCER)
                .setPartitionKey(message.conversationId())
                .setMessageCreated(created)
                .build();
        return pending(envelope);
    }

    /** {@code message.edited}: the message keeps its seq. */
    static PendingEvent edited(StoredMessage message, String text, Instant at) {
        return pending(envelope(message, at)
                .setMessageEdited(MessageEdited.newBuilder()
                        .setConversation(conversationRef(message.conversationId(), message.isDm()))
                        .setMessageId(message.id())
                        .setSeq(message.seq())
                        .setText(text)
                        .setEditedAt(timestamp(at))
                        .setEditorUserId(message.senderId()))
                .build());
    }

    /** {@code message.deleted}: clients replace the message with a tombstone. */
    static PendingEvent deleted(StoredMessage message, String userId, Instant at) {
        return pending(envelope(message, at)
                .setMessageDeleted(MessageDeleted.newBuilder()
                        .setConversation(conversationRef(message.conversationId(), message.isDm()))
                        .setMessageId(message.id())
                        .setSeq(message.seq())
                        .setDeletedAt(timestamp(at))
                        .setDeletedByUserId(userId))
                .build());
    }

    private static EventEnvelope.Builder envelope(StoredMessage message, Instant at) {
        return EventEnvelope.newBuilder()
                .setEventId(Ids.newId())
                .setOccurredAt(timestamp(at))
                .setProducer(PRODUCER)
                .setPartitionKey(message.conversationId());
    }

    private static PendingEvent pending(EventEnvelope withoutType) {
        EventEnvelope envelope = withoutType.toBuilder()
                .setType(EventTypes.of(withoutType.getPayloadCase()))
                .build();
        return new PendingEvent(envelope.getEventId(), envelope.getType(), envelope.toByteArray());
    }

    /** A message as the gRPC API and events carry it. */
    public static ChatMessage toProto(StoredMessage message) {
        ChatMessage.Builder proto = ChatMessage.newBuilder()
                .setMessageId(message.id())
                .setConversation(conversationRef(message.conversationId(), message.isDm()))
                .setSeq(message.seq())
                .setSenderUserId(message.senderId())
                .setClientMsgId(message.clientMsgId())
                .setText(message.text())
                .setCreatedAt(timestamp(message.createdAt()))
                .setModerationState(ModerationState.MODERATION_STATE_PENDING)
                .setDeleted(message.deleted());
        if (message.editedAt() != null && !message.deleted()) {
            proto.setEditedAt(timestamp(message.editedAt()));
        }
        return proto.build();
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
