package io.chatplatform.moderation.admin;

import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Moderator call credentials for {@code ModerationAdmin}: {@code authorization: Bearer <access token>}. The interceptor
 * only carries the header into the call's context (verifying can fetch the JWKS, which must not block the transport
 * thread); {@link #moderator()} verifies it reactively at the start of every method: UNAUTHENTICATED without a valid
 * token, PERMISSION_DENIED without the moderator or admin role.
 */
@Component
public class ModeratorCredentials implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> HEADER = Context.key("moderation-authorization");
    private static final String BEARER = "Bearer ";

    private final JwksTokenVerifier verifier;

    ModeratorCredentials(JwksTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String header = headers.get(AUTHORIZATION);
        Context context = Context.current().withValue(HEADER, header == null ? "" : header);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The caller as a moderator; read on the calling thread (the gRPC context is thread-bound), verified lazily. */
    Mono<Moderator> moderator() {
        String header = HEADER.get();
        return Mono.defer(() -> {
            if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return Mono.error(Status.UNAUTHENTICATED
                        .withDescription("a moderator's access token is required: authorization: Bearer <token>")
                        .asRuntimeException());
            }
            return verifier.verify(header.substring(BEARER.length()).strip())
                    .onErrorMap(InvalidTokenException.class, rejected -> Status.UNAUTHENTICATED
                            .withDescription("the access token was refused: "
                                    + rejected.reason().name().toLowerCase(java.util.Locale.ROOT))
                            .asRuntimeException())
                    .flatMap(token -> Moderator.allowed(token)
                            ? Mono.just(new Moderator(token.subject()))
                            : Mono.error(Status.PERMISSION_DENIED
                                    .withDescription("the moderator or admin role is required")
                                    .asRuntimeException()));
        });
    }
}
