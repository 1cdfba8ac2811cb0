package io.chatplatform.support.grpc;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import java.util.concurrent.Executor;

/**
 * The shared secret one platform service presents when it calls another over gRPC ({@code chat.service-auth.token}).
 *
 * <p>Calls such as {@code ChatService.SendMessage} carry the user they act for in the request itself, and
 * {@code HideMessage} or {@code SetAccountStatus} act with the platform's authority: only the platform's own services
 * may make them, which the token proves. It travels in its own header, not in {@code authorization}, which stays free
 * for a user's token (moderators' calls to {@code ModerationAdmin}).
 */
public final class ServiceCredentials extends CallCredentials {

    /** The header that carries the token. */
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("x-chat-service-token", Metadata.ASCII_STRING_MARSHALLER);

    private final String token;

    private ServiceCredentials(String token) {
        this.token = token;
    }

    /** The stub, presenting {@code token} on every call; unchanged when no token is configured. */
    public static <S extends AbstractStub<S>> S attach(S stub, String token) {
        return token == null || token.isBlank() ? stub : stub.withCallCredentials(new ServiceCredentials(token));
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(HEADER, token);
        applier.apply(headers);
    }
}
