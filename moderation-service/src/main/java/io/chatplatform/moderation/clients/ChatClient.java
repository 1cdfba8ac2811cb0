package io.chatplatform.moderation.clients;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.HideMessageRequest;
import io.chatplatform.contracts.chat.HideMessageResponse;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.moderation.ModerationProperties;
import io.chatplatform.support.grpc.ServiceAuthProperties;
import io.chatplatform.support.grpc.ServiceChannels;
import io.chatplatform.support.grpc.ServiceCredentials;
import io.chatplatform.support.grpc.UnaryCalls;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** chat-service's gRPC API as Monos with a deadline: hiding messages and asking about membership. */
@Component
public class ChatClient implements DisposableBean {

    private final ModerationProperties properties;
    private final ManagedChannel channel;
    private final ChatServiceGrpc.ChatServiceStub stub;

    ChatClient(ModerationProperties properties, ServiceAuthProperties serviceAuth) {
        this.properties = properties;
        // Connects lazily on the first call: chat-service may start after this service.
        this.channel = ServiceChannels.to(properties.chatTarget()).build();
        // ChatService answers only the platform's own services: the service credentials go with every call.
        this.stub = ServiceCredentials.attach(ChatServiceGrpc.newStub(channel), serviceAuth.token());
    }

    /** Hides a message everywhere; idempotent on chat-service's side. */
    public Mono<HideMessageResponse> hide(ConversationRef conversation, String messageId, String reason, Actor actor,
            String flagId) {
        HideMessageRequest request = HideMessageRequest.newBuilder()
                .setConversation(conversation)
                .setMessageId(messageId)
                .setReason(reason)
                .setModerator(actor)
                .setFlagId(flagId == null ? "" : flagId)
                .build();
        return UnaryCalls.mono(observer -> deadline().hideMessage(request, observer));
    }

    /** Whether the user is a member of the conversation; errors with NOT_FOUND for an unknown conversation. */
    public Mono<Boolean> isMember(String conversationId, String userId) {
        MembershipRequest request = MembershipRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(conversationId))
                .addUserIds(userId)
                .build();
        return UnaryCalls.<io.chatplatform.contracts.chat.MembershipResponse>mono(
                        observer -> deadline().membership(request, observer))
                .map(response -> response.getMembersList().stream()
                        .anyMatch(member -> member.getUserId().equals(userId)));
    }

    private ChatServiceGrpc.ChatServiceStub deadline() {
        return stub.withDeadlineAfter(properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
