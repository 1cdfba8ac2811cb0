package io.chatplatform.support.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Refuses calls to the platform-internal gRPC services ({@code chat.service-auth.protected-services}) that do not
 * present the configured service token ({@link ServiceCredentials}) with {@code UNAUTHENTICATED}. Other services
 * (health, reflection, {@code ModerationAdmin} with its moderator tokens) pass untouched, and so does everything when
 * no token is configured.
 */
public final class ServiceAuthInterceptor implements ServerInterceptor {

    private final byte[] token;
    private final Set<String> protectedServices;

    /** @param token the service token, or null to check nothing */
    public ServiceAuthInterceptor(String token, Set<String> protectedServices) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.protectedServices = Set.copyOf(protectedServices);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (token == null || !protectedServices.contains(service) || presentsToken(headers.get(ServiceCredentials.HEADER))) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription(
                "Calls to " + service + " need the platform's service credentials."), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    /** Compared in constant time, so the comparison reveals nothing about the token. */
    private boolean presentsToken(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }
}
