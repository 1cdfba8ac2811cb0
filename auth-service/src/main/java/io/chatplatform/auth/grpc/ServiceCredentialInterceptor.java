package io.chatplatform.auth.grpc;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.OpaqueTokens;
import io.chatplatform.contracts.auth.AuthServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.springframework.stereotype.Component;

/**
 * Service credentials for {@code SetAccountStatus}: {@code authorization: Bearer <chat.auth.service-secret>},
 * compared in constant time. Other methods pass untouched (ValidateToken and GetUsers serve any caller on the
 * internal network). Without a configured secret the method is closed to everybody (fail-closed).
 */
@Component
class ServiceCredentialInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final String secret;

    ServiceCredentialInterceptor(AuthProperties properties) {
        this.secret = properties.serviceSecret();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!AuthServiceGrpc.getSetAccountStatusMethod().getFullMethodName().equals(method)) {
            return next.startCall(call, headers);
        }
        String problem = problem(headers.get(AUTHORIZATION));
        if (problem != null) {
            call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }

    private String problem(String authorization) {
        if (secret.isEmpty()) {
            return "SetAccountStatus is disabled: no service secret is configured (chat.auth.service-secret)";
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "service credentials required: authorization: Bearer <service secret>";
        }
        if (!OpaqueTokens.equalsConstantTime(secret, authorization.substring(BEARER.length()).strip())) {
            return "invalid service credentials";
        }
        return null;
    }
}
