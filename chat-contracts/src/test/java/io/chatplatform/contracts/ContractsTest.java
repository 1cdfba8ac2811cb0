package io.chatplatform.contracts;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.auth.AuthServiceGrpc;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.MessageCreated;
import io.chatplatform.contracts.events.TraceContext;
import io.chatplatform.contracts.moderation.ModerationAdminGrpc;
import io.chatplatform.contracts.moderation.ModerationServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractsTest {

    @Test
    void envelopeRoundTripsThroughBytesWithItsPayloadCase() throws InvalidProtocolBufferException {
        ConversationRef room = ConversationRef.newBuilder()
                .setId("room-1")
                .setKind(ConversationKind.CONVERSATION_KIND_ROOM)
                .build();
        ChatMessage message = ChatMessage.newBuilder()
                .setMessageId("m-1")
                .setConversation(room)
                .setSeq(7)
                .setSenderUserId("42")
                .setClientMsgId("c-1")
                .setText("hello")
                .setCreatedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L))
                .setModerationState(ModerationState.MODERATION_STATE_PENDING)
                .build();
        EventEnvelope sent = EventEnvelope.newBuilder()
                .setEventId("8f14e45f-ceea-467f-a0e6-4f1b4c1c1d2e")
                .setType(EventTypes.of(EventEnvelope.PayloadCase.MESSAGE_CREATED))
                .setOccurredAt(Timestamp.newBuilder().setSeconds(1_700_000_000L))
                .setProducer("chat-service")
                .setPartitionKey("room-1")
                .setTrace(TraceContext.newBuilder()
                        .setTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .setMessageCreated(MessageCreated.newBuilder().setMessage(message))
                .build();

        EventEnvelope received = EventEnvelope.parseFrom(sent.toByteArray());

        assertThat(received).isEqualTo(sent);
        assertThat(received.getPayloadCase()).isEqualTo(EventEnvelope.PayloadCase.MESSAGE_CREATED);
        assertThat(received.getType()).isEqualTo("message.created");
        assertThat(received.getMessageCreated().getMessage().getSeq()).isEqualTo(7);
        assertThat(received.getMessageCreated().getMessage().getConversation().getKind())
                .isEqualTo(ConversationKind.CONVERSATION_KIND_ROOM);
        assertThat(received.hasMessageHidden()).isFalse();
    }

    @Test
    void everyPayloadCaseHasItsOwnEventType() {
        Set<String> types = new HashSet<>();
        for (EventEnvelope.PayloadCase payloadCase : EventEnvelope.PayloadCase.values()) {
            if (payloadCase == EventEnvelope.PayloadCase.PAYLOAD_NOT_SET) {
                continue;
            }
            assertThat(types.add(EventTypes.of(payloadCase))).as("type of %s is unique", payloadCase).isTrue();
        }
        assertThat(types).hasSize(EventEnvelope.PayloadCase.values().length - 1);
        assertThatThrownBy(() -> EventTypes.of(EventEnvelope.PayloadCase.PAYLOAD_NOT_SET))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void authServiceHasItsMethods() {
        assertThat(methodNames(AuthServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder("ValidateToken", "GetUsers", "SetAccountStatus");
    }

    @Test
    void chatServiceHasItsMethods() {
        assertThat(methodNames(ChatServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder("SendMessage", "EditMessage", "DeleteMessage", "History", "MarkRead",
                        "HideMessage", "Membership", "Contacts");
    }

    @Test
    void moderationServiceHasItsMethods() {
        assertThat(methodNames(ModerationServiceGrpc.getServiceDescriptor())).containsExactly("Check");
    }

    @Test
    void moderationAdminHasItsMethodsAndStreamsFlags() {
        assertThat(methodNames(ModerationAdminGrpc.getServiceDescriptor())).containsExactlyInAnyOrder(
                "BlockUser", "UnblockUser", "ListFlags", "ReviewFlag",
                "CreateRule", "UpdateRule", "DeleteRule", "ListRules", "AuditLog", "WatchFlags", "TestRules");
        assertThat(ModerationAdminGrpc.getWatchFlagsMethod().getType())
                .isEqualTo(MethodDescriptor.MethodType.SERVER_STREAMING);
        assertThat(ModerationAdminGrpc.getBlockUserMethod().getType())
                .isEqualTo(MethodDescriptor.MethodType.UNARY);
    }

    @Test
    void serviceNamesCarryTheVersionedProtoPackage() {
        assertThat(ChatServiceGrpc.SERVICE_NAME).isEqualTo("chatplatform.chat.v1.ChatService");
        assertThat(AuthServiceGrpc.SERVICE_NAME).isEqualTo("chatplatform.auth.v1.AuthService");
        assertThat(ModerationAdminGrpc.SERVICE_NAME).isEqualTo("chatplatform.moderation.v1.ModerationAdmin");
    }

    @Test
    void userChannelIsPrefixedWithUser() {
        assertThat(Topics.userChannel("42")).isEqualTo("user:42");
        assertThatThrownBy(() -> Topics.userChannel(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topicNamesMatchTheDesign() {
        assertThat(Arrays.asList(Topics.CHAT_ROOM_EVENTS, Topics.CHAT_MESSAGES, Topics.MODERATION_EVENTS,
                Topics.AUTH_EVENTS, Topics.NOTIFICATION_DEAD_LETTER)).containsExactly(
                "chat.room-events", "chat.messages", "moderation.events", "auth.events", "notification.dead-letter");
    }

    private static Set<String> methodNames(ServiceDescriptor service) {
        return service.getMethods().stream()
                .map(MethodDescriptor::getBareMethodName)
                .collect(Collectors.toSet());
    }
}
