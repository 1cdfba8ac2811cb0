package io.chatplatform.notification;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.EventTypes;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.EntryKind;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.AccountStatusChanged;
import io.chatplatform.contracts.events.EmailVerificationRequested;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.MessageCreated;
import io.chatplatform.contracts.events.MessageHidden;
import io.chatplatform.contracts.events.PasswordResetRequested;
import io.chatplatform.contracts.events.UserRegistered;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.OutboundRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The events chat-service and auth-service publish, built as they build them, and published to the embedded Kafka. */
public final class Events {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Events() {
    }

    public static void publish(KafkaPublisher kafka, String topic, EventEnvelope envelope) {
        kafka.send(new OutboundRecord(topic, envelope.getPartitionKey(), envelope.toByteArray(),
                        Map.of("event-type", envelope.getType())))
                .block(TIMEOUT);
    }

    public static EventEnvelope registered(String userId, String displayName, String email) {
        return envelope(userId, "auth-service", builder -> builder.setUserRegistered(UserRegistered.newBuilder()
                .setUserId(userId)
                .setUsername(userId)
                .setDisplayName(displayName)
                .setEmail(email)
                .setRegisteredAt(timestamp(Instant.now()))));
    }

    public static EventEnvelope blocked(String userId) {
        return envelope(userId, "auth-service", builder -> builder.setAccountStatusChanged(
                AccountStatusChanged.newBuilder()
                        .setUserId(userId)
                        .setPreviousStatus(AccountStatus.ACCOUNT_STATUS_ACTIVE)
                        .setStatus(AccountStatus.ACCOUNT_STATUS_BLOCKED)
                        .setReason("test")
                        .setChangedAt(timestamp(Instant.now()))));
    }

    public static EventEnvelope verification(String userId, String email, String token) {
        return envelope(userId, "auth-service", builder -> builder.setEmailVerificationRequested(
                EmailVerificationRequested.newBuilder()
                        .setUserId(userId)
                        .setEmail(email)
                        .setDisplayName("Vera <Verify>")
                        .setToken(token)
                        .setExpiresAt(timestamp(Instant.now().plus(Duration.ofDays(1))))));
    }

    public static EventEnvelope passwordReset(String userId, String email, String token) {
        return envelope(userId, "auth-service", builder -> builder.setPasswordResetRequested(
                PasswordResetRequested.newBuilder()
                        .setUserId(userId)
                        .setEmail(email)
                        .setDisplayName("Rita")
                        .setToken(token)
                        .setExpiresAt(timestamp(Instant.now().plus(Duration.ofHours(1))))));
    }

    /** A message as chat-service stores it; a DM names its recipient, a room message does not. */
    public static ChatMessage message(String conversationId, boolean dm, long seq, String sender, String text,
                                      String... mentioned) {
        return ChatMessage.newBuilder()
                .setMessageId("m-" + UUID.randomUUID())
                .setConversation(ConversationRef.newBuilder()
                        .setId(conversationId)
                        .setKind(dm ? ConversationKind.CONVERSATION_KIND_DM : ConversationKind.CONVERSATION_KIND_ROOM))
                .setSeq(seq)
                .setSenderUserId(sender)
                .setClientMsgId(UUID.randomUUID().toString())
                .setText(text)
                .setCreatedAt(timestamp(Instant.now()))
                .setModerationState(ModerationState.MODERATION_STATE_PENDING)
                .addAllMentionedUserIds(List.of(mentioned))
                .setKind(EntryKind.ENTRY_KIND_MESSAGE)
                .build();
    }

    public static EventEnvelope created(ChatMessage message, String... dmRecipients) {
        return envelope(message.getConversation().getId(), "chat-service", builder -> builder.setMessageCreated(
                MessageCreated.newBuilder()
                        .setMessage(message)
                        .addAllRecipientUserIds(List.of(dmRecipients))));
    }

    public static EventEnvelope hidden(ChatMessage message) {
        return envelope(message.getConversation().getId(), "chat-service", builder -> builder.setMessageHidden(
                MessageHidden.newBuilder()
                        .setConversation(message.getConversation())
                        .setMessageId(message.getMessageId())
                        .setSeq(message.getSeq())
                        .setSenderUserId(message.getSenderUserId())
                        .setReason("test")
                        .setHiddenAt(timestamp(Instant.now()))
                        .setChangeSeq(message.getSeq() + 1)));
    }

    public static void chat(KafkaPublisher kafka, EventEnvelope envelope) {
        publish(kafka, Topics.CHAT_MESSAGES, envelope);
    }

    public static void auth(KafkaPublisher kafka, EventEnvelope envelope) {
        publish(kafka, Topics.AUTH_EVENTS, envelope);
    }

    private static EventEnvelope envelope(String key, String producer, UnaryOperator<EventEnvelope.Builder> payload) {
        EventEnvelope envelope = payload.apply(EventEnvelope.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(timestamp(Instant.now()))
                        .setProducer(producer)
                        .setPartitionKey(key))
                .build();
        return envelope.toBuilder().setType(EventTypes.of(envelope.getPayloadCase())).build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
