package io.chatplatform.auth.grpc;

import io.chatplatform.auth.account.AccountService;
import io.chatplatform.auth.account.User;
import io.chatplatform.auth.account.UserStore;
import io.chatplatform.auth.events.AuthEvents;
import io.chatplatform.auth.token.AccessTokenValidator;
import io.chatplatform.auth.token.AuthenticatedUser;
import io.chatplatform.auth.token.TokenRejectedException;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.auth.AuthServiceGrpc;
import io.chatplatform.contracts.auth.GetUsersRequest;
import io.chatplatform.contracts.auth.GetUsersResponse;
import io.chatplatform.contracts.auth.Principal;
import io.chatplatform.contracts.auth.SetAccountStatusRequest;
import io.chatplatform.contracts.auth.SetAccountStatusResponse;
import io.chatplatform.contracts.auth.UserProfile;
import io.chatplatform.contracts.auth.ValidateTokenRequest;
import io.chatplatform.contracts.auth.ValidateTokenResponse;
import io.chatplatform.support.problem.ApiException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.grpc.server.service.GrpcService;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * The {@code AuthService} gRPC API for other services. Each call runs the same reactive code as REST and answers
 * from the subscription (no blocking); {@link ServiceCredentialInterceptor} guards {@code SetAccountStatus}.
 */
@GrpcService(interceptors = ServiceCredentialInterceptor.class)
class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(AuthGrpcService.class);
    private static final int MAX_USER_IDS = 500;

    private final AccessTokenValidator validator;
    private final UserStore users;
    private final AccountService accounts;

    AuthGrpcService(AccessTokenValidator validator, UserStore users, AccountService accounts) {
        this.validator = validator;
        this.users = users;
        this.accounts = accounts;
    }

    /** A refused token is a normal answer with a failure reason, as the contract says, not an error status. */
    @Override
    public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> responses) {
        if (request.getToken().isBlank()) {
            responses.onError(invalidArgument("token is required"));
            return;
        }
        Mono<ValidateTokenResponse> answer = validator.validate(request.getToken())
                .map(AuthGrpcService::principal)
                .onErrorResume(TokenRejectedException.class, rejected -> Mono.just(ValidateTokenResponse.newBuilder()
                        .setFailure(rejected.failure())
                        .setFailureDetail(String.valueOf(rejected.getMessage()))
                        .build()));
        respond(answer, responses);
    }

    @Override
    public void getUsers(GetUsersRequest request, StreamObserver<GetUsersResponse> responses) {
        Set<String> ids = new LinkedHashSet<>(request.getUserIdsList());
        if (ids.size() > MAX_USER_IDS) {
            responses.onError(invalidArgument("at most " + MAX_USER_IDS + " user_ids per call"));
            return;
        }
        if (ids.stream().anyMatch(String::isBlank)) {
            responses.onError(invalidArgument("user_ids must not contain blank ids"));
            return;
        }
        Mono<GetUsersResponse> answer = users.findByIds(ids)
                .collectList()
                .map(found -> usersResponse(ids, found));
        respond(answer, responses);
    }

    @Override
    public void setAccountStatus(SetAccountStatusRequest request, StreamObserver<SetAccountStatusResponse> responses) {
        if (request.getUserId().isBlank()) {
            responses.onError(invalidArgument("user_id is required"));
            return;
        }
        if (request.getStatus() != AccountStatus.ACCOUNT_STATUS_ACTIVE
                && request.getStatus() != AccountStatus.ACCOUNT_STATUS_BLOCKED) {
            responses.onError(invalidArgument("status must be ACCOUNT_STATUS_ACTIVE or ACCOUNT_STATUS_BLOCKED"));
            return;
        }
        if (request.getReason().length() > 500) {
            responses.onError(invalidArgument("reason must be at most 500 characters"));
            return;
        }
        Mono<SetAccountStatusResponse> answer = accounts.setStatus(request.getUserId(), request.getStatus(),
                        request.getReason(), request.getActor())
                .map(change -> SetAccountStatusResponse.newBuilder()
                        .setPreviousStatus(change.previousStatus())
                        .setStatus(change.status())
                        .setRevokedSessions(change.revokedSessions())
                        .setChangedAt(AuthEvents.timestamp(change.changedAt()))
                        .build());
        respond(answer, responses);
    }

    /** Bridges a Mono to the observer: one value then completion, or one mapped error. */
    private static <T> void respond(Mono<T> answer, StreamObserver<T> responses) {
        answer.subscribe(
                value -> {
                    responses.onNext(value);
                    responses.onCompleted();
                },
                error -> responses.onError(toStatus(error)));
    }

    private static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException status) {
            return status;
        }
        if (error instanceof ApiException api && api.getStatusCode().value() == HttpStatus.NOT_FOUND.value()) {
            return Status.NOT_FOUND.withDescription(api.getBody().getDetail()).asRuntimeException();
        }
        log.error("gRPC call failed", error);
        return Status.INTERNAL.withDescription("internal error").asRuntimeException();
    }

    private static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static ValidateTokenResponse principal(AuthenticatedUser user) {
        return ValidateTokenResponse.newBuilder()
                .setPrincipal(Principal.newBuilder()
                        .setUserId(user.userId())
                        .setUsername(user.username())
                        .addAllRoles(user.roles())
                        .setSessionId(user.sessionId())
                        .setExpiresAt(AuthEvents.timestamp(user.expiresAt())))
                .build();
    }

    private static GetUsersResponse usersResponse(Set<String> requested, List<User> found) {
        GetUsersResponse.Builder response = GetUsersResponse.newBuilder();
        Set<String> missing = new LinkedHashSet<>(requested);
        for (User user : found) {
            missing.remove(user.id());
            response.addUsers(UserProfile.newBuilder()
                    .setUserId(user.id())
                    .setUsername(user.username())
                    .setDisplayName(user.shownName())
                    .setAvatarUrl(user.avatarUrl() == null ? "" : user.avatarUrl())
                    .setCreatedAt(AuthEvents.timestamp(user.createdAt())));
        }
        return response.addAllNotFoundUserIds(missing).build();
    }
}
