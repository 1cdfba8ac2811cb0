package io.chatplatform.notification.routing;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.Member;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.chat.MembershipResponse;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.common.PageRequest;
import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.support.grpc.ServiceAuthProperties;
import io.chatplatform.support.grpc.ServiceChannels;
import io.chatplatform.support.grpc.ServiceCredentials;
import io.chatplatform.support.grpc.UnaryCalls;
import io.grpc.ManagedChannel;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Who is in a conversation and how far each has read, asked of chat-service (gRPC {@code ChatService.Membership});
 * every call has the configured deadline.
 */
@Component
class ChatMembers implements DisposableBean {

    private static final int PAGE = 500;

    private final ManagedChannel channel;
    private final ChatServiceGrpc.ChatServiceStub stub;
    private final long deadlineMillis;

    ChatMembers(NotificationProperties properties, ServiceAuthProperties serviceAuth) {
        // Connects on the first call, so this service starts whether or not chat-service is up yet.
        this.channel = ServiceChannels.to(properties.chatTarget()).build();
        // ChatService answers only the platform's own services: the service credentials go with every call.
        this.stub = ServiceCredentials.attach(ChatServiceGrpc.newStub(channel), serviceAuth.token());
        this.deadlineMillis = properties.grpcTimeout().toMillis();
    }

    /** Every member of the conversation, page by page. */
    Flux<Member> all(String conversationId) {
        return page(conversationId, "")
                .expand(response -> response.getPage().getHasMore()
                        ? page(conversationId, response.getPage().getNextCursor())
                        : Mono.empty())
                .flatMapIterable(MembershipResponse::getMembersList);
    }

    /** The members among {@code userIds}, with their read markers; a user who is not a member is left out. */
    Flux<Member> among(String conversationId, Collection<String> userIds) {
        MembershipRequest request = MembershipRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(conversationId))
                .addAllUserIds(userIds)
                .build();
        return call(request).flatMapIterable(MembershipResponse::getMembersList);
    }

    private Mono<MembershipResponse> page(String conversationId, String cursor) {
        return call(MembershipRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(conversationId))
                .setPage(PageRequest.newBuilder().setCursor(cursor).setLimit(PAGE))
                .build());
    }

    private Mono<MembershipResponse> call(MembershipRequest request) {
        return UnaryCalls.mono(observer -> stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .membership(request, observer));
    }

    @Override
    public void destroy() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
