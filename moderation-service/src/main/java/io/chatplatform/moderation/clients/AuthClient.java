package io.chatplatform.moderation.clients;

import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.auth.AuthServiceGrpc;
import io.chatplatform.contracts.auth.SetAccountStatusRequest;
import io.chatplatform.contracts.auth.SetAccountStatusResponse;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.moderation.ModerationProperties;
import io.chatplatform.support.grpc.ServiceChannels;
import io.chatplatform.support.grpc.UnaryCalls;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** auth-service's {@code SetAccountStatus}, called with the service secret as bearer credentials. */
@Component
public class AuthClient implements DisposableBean {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ModerationProperties properties;
    private final ManagedChannel channel;
    private final AuthServiceGrpc.AuthServiceStub stub;

    AuthClient(ModerationProperties properties) {
        this.properties = properties;
        Metadata credentials = new Metadata();
        credentials.put(AUTHORIZATION, "Bearer " + properties.authServiceSecret());
        this.channel = ServiceChannels.to(properties.authTarget()).build();
        this.stub = AuthServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credentials));
    }

    /** Sets the account ACTIVE or BLOCKED; blocking revokes the user's sessions in auth-service. */
    public Mono<SetAccountStatusResponse> setStatus(String userId, AccountStatus status, String reason, Actor actor) {
        if (properties.authServiceSecret().isEmpty()) {
            return Mono.error(Status.FAILED_PRECONDITION
                    .withDescription("blocking is not configured: chat.moderation.auth-service-secret is empty")
                    .asRuntimeException());
        }
        SetAccountStatusRequest request = SetAccountStatusRequest.newBuilder()
                .setUserId(userId)
                .setStatus(status)
                .setReason(reason)
                .setActor(actor)
                .build();
        return UnaryCalls.mono(observer -> stub
                .withDeadlineAfter(properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .setAccountStatus(request, observer));
    }

    @Override
    public void destroy() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
