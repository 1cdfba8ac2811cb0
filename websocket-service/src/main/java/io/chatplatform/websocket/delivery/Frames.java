package io.chatplatform.websocket.delivery;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.events.EventEnvelope;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Server frames built from chat-service's events and history entries, as plain maps for JSON. One shape per frame
 * type whether it comes live or from a resume, so a client handles both alike (docs/websocket-protocol.md).
 */
public final class Frames {

    private Frames() {
    }

    /**
     * A frame for clients, with what it needs for routing and ordering.
     *
     * @param conversationId the conversation it belongs to
     * @param logSeq         its seq in the conversation's log (0 for frames outside the log: receipts, releases)
     * @param onlyFor        a user who alone may see it (a held message's sender), or null for every member
     * @param body           the JSON frame
     */
    public record Frame(String conversationId, long logSeq, String onlyFor, Map<String, Object> body) {
    }

    /** The frame for a live event, if clients get one for it. */
    public static Optional<Frame> ofEvent(EventEnvelope event) {
        return switch (event.getPayloadCase()) {
            case MESSAGE_CREATED -> {
                ChatMessage message = event.getMessageCreated().getMessage();
                boolean held = message.getModerationState() == ModerationState.MODERATION_STATE_HELD;
                yield Optional.of(new Frame(message.getConversation().getId(), message.getSeq(),
                        held ? message.getSenderUserId() : null, messageFrame(message)));
            }
            case MESSAGE_RELEASED -> {
                ChatMessage message = event.getMessageReleased().getMessage();
                yield Optional.of(new Frame(message.getConversation().getId(), 0, null, messageFrame(message)));
            }
            case MESSAGE_EDITED -> {
                var edited = event.getMessageEdited();
                Map<String, Object> body = frame("message.edited", edited.getConversation().getId());
                body.put("messageId", edited.getMessageId());
                body.put("seq", edited.getSeq());
                body.put("changeSeq", edited.getChangeSeq());
                body.put("text", edited.getText());
                body.put("editedAt", instant(edited.getEditedAt()));
                body.put("editorId", edited.getEditorUserId());
                yield Optional.of(new Frame(edited.getConversation().getId(), edited.getChangeSeq(), null, body));
            }
            case MESSAGE_DELETED -> {
                var deleted = event.getMessageDeleted();
                Map<String, Object> body = frame("message.deleted", deleted.getConversation().getId());
                body.put("messageId", deleted.getMessageId());
                body.put("seq", deleted.getSeq());
                body.put("changeSeq", deleted.getChangeSeq());
                body.put("deletedBy", deleted.getDeletedByUserId());
                yield Optional.of(new Frame(deleted.getConversation().getId(), deleted.getChangeSeq(), null, body));
            }
            case MESSAGE_HIDDEN -> {
                var hidden = event.getMessageHidden();
                Map<String, Object> body = frame("message.hidden", hidden.getConversation().getId());
                body.put("messageId", hidden.getMessageId());
                body.put("seq", hidden.getSeq());
                body.put("changeSeq", hidden.getChangeSeq());
                yield Optional.of(new Frame(hidden.getConversation().getId(), hidden.getChangeSeq(), null, body));
            }
            case RECEIPT_UPDATED -> {
                var receipt = event.getReceiptUpdated();
                Map<String, Object> body = frame("receipt", receipt.getConversation().getId());
                body.put("userId", receipt.getUserId());
                body.put("kind", receipt.getKind().name().substring("RECEIPT_KIND_".length()).toLowerCase(Locale.ROOT));
                body.put("upToSeq", receipt.getUpToSeq());
                yield Optional.of(new Frame(receipt.getConversation().getId(), 0, null, body));
            }
            default -> Optional.empty();
        };
    }

    /** The frame for one history entry replayed by {@code resume}: the same frame the live event would have made. */
    public static Frame ofEntry(ChatMessage entry) {
        String conversationId = entry.getConversation().getId();
        return switch (entry.getKind()) {
            case ENTRY_KIND_EDIT -> {
                Map<String, Object> body = frame("message.edited", conversationId);
                body.put("messageId", entry.getTargetMessageId());
                body.put("seq", entry.getTargetSeq());
                body.put("changeSeq", entry.getSeq());
                body.put("text", entry.getText());
                body.put("editedAt", instant(entry.getCreatedAt()));
                body.put("editorId", entry.getSenderUserId());
                yield new Frame(conversationId, entry.getSeq(), null, body);
            }
            case ENTRY_KIND_DELETE -> {
                Map<String, Object> body = frame("message.deleted", conversationId);
                body.put("messageId", entry.getTargetMessageId());
                body.put("seq", entry.getTargetSeq());
                body.put("changeSeq", entry.getSeq());
                body.put("deletedBy", entry.getSenderUserId());
                yield new Frame(conversationId, entry.getSeq(), null, body);
            }
            case ENTRY_KIND_HIDE -> {
                Map<String, Object> body = frame("message.hidden", conversationId);
                body.put("messageId", entry.getTargetMessageId());
                body.put("seq", entry.getTargetSeq());
                body.put("changeSeq", entry.getSeq());
                yield new Frame(conversationId, entry.getSeq(), null, body);
            }
            default -> new Frame(conversationId, entry.getSeq(), null, messageFrame(entry));
        };
    }

    private static Map<String, Object> messageFrame(ChatMessage message) {
        Map<String, Object> body = frame("message", message.getConversation().getId());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.getMessageId());
        fields.put("seq", message.getSeq());
        fields.put("senderId", message.getSenderUserId());
        fields.put("clientMsgId", message.getClientMsgId());
        fields.put("text", message.getText());
        fields.put("replyTo", message.getReplyToMessageId().isEmpty() ? null : message.getReplyToMessageId());
        fields.put("mentions", message.getMentionedUserIdsList());
        fields.put("createdAt", instant(message.getCreatedAt()));
        fields.put("editedAt", message.hasEditedAt() ? instant(message.getEditedAt()) : null);
        fields.put("deleted", message.getDeleted());
        fields.put("moderationState", moderationStateName(message.getModerationState()));
        body.put("message", fields);
        return body;
    }

    /** The REST API's name of a moderation state. */
    public static String moderationStateName(ModerationState state) {
        return switch (state) {
            case MODERATION_STATE_HELD -> "held";
            case MODERATION_STATE_APPROVED -> "approved";
            case MODERATION_STATE_HIDDEN -> "hidden";
            default -> "pending";
        };
    }

    private static Map<String, Object> frame(String type, String conversationId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("conversationId", conversationId);
        return body;
    }

    private static String instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
    }
}
