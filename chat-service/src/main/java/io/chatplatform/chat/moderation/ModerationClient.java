package io.chatplatform.chat.moderation;

import io.chatplatform.chat.message.MessageEvents;
import io.chatplatform.chat.message.StoredMessage;
import io.chatplatform.contracts.moderation.CheckRequest;
import io.chatplatform.contracts.moderation.CheckResponse;
import io.chatplatform.contracts.moderation.ModerationServiceGrpc;
import io.chatplatform.support.grpc.ServiceAuthProperties;
import io.chatplatform.support.grpc.ServiceChannels;
import io.chatplatform.support.grpc.ServiceCredentials;
import io.chatplatform.support.grpc.UnaryCalls;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The client side of moderation-service's {@code ModerationService.Check}, as a Mono with a deadline. */
@Component
class ModerationClient implements DisposableBean {

    private final PreModerationProperties properties;
    private final ManagedChannel channel;
    private final ModerationServiceGrpc.ModerationServiceStub stub;

    ModerationClient(PreModerationProperties properties, ServiceAuthProperties serviceAuth) {
        this.properties = properties;
        // Connects lazily on the first call; a missing moderation-service only fails the checks, not the startup.
        this.channel = ServiceChannels.to(properties.target()).build();
        this.stub = ServiceCredentials.attach(ModerationServiceGrpc.newStub(channel), serviceAuth.token());
    }

    /** Asks for a verdict on a stored message; errors with the gRPC status on failure or after the timeout. */
    Mono<CheckResponse> check(StoredMessage message) {
        CheckRequest request = CheckRequest.newBuilder()
                .setMessageId(message.id())
                .setConversation(MessageEvents.conversationRef(message.conversationId(), message.isDm()))
                .setSeq(message.seq())
                .setSenderUserId(message.senderId())
                .setText(message.text())
                .setSentAt(MessageEvents.timestamp(message.createdAt()))
                .build();
        return UnaryCalls.mono(observer -> stub
                .withDeadlineAfter(properties.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .check(request, observer));
    }

    @Override
    public void destroy() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
