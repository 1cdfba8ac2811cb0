package io.chatplatform.moderation;

import io.chatplatform.support.problem.ApiException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Answers gRPC calls from reactive code without blocking: a Mono becomes one response, a Flux a server stream that
 * ends when the client cancels. The feature code raises {@link ApiException}s (shared with REST) or gRPC statuses.
 */
public final class GrpcAnswers {

    private static final Logger log = LoggerFactory.getLogger(GrpcAnswers.class);

    private GrpcAnswers() {
    }

    public static <T> void respond(Mono<T> answer, StreamObserver<T> responses) {
        answer.subscribe(
                value -> {
                    responses.onNext(value);
                    responses.onCompleted();
                },
                error -> responses.onError(toStatus(error)),
                () -> { });
    }

    public static <T> void stream(Flux<T> answers, StreamObserver<T> responses) {
        Disposable subscription = answers.subscribe(responses::onNext, error -> responses.onError(toStatus(error)),
                responses::onCompleted);
        if (responses instanceof ServerCallStreamObserver<T> server) {
            server.setOnCancelHandler(subscription::dispose);
        }
    }

    /** The status for an error: its own status, an API error mapped by HTTP status, else INTERNAL (logged). */
    public static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException status) {
            return status;
        }
        if (error instanceof ApiException api) {
            Status status = switch (api.getStatusCode().value()) {
                case 400 -> Status.INVALID_ARGUMENT;
                case 401 -> Status.UNAUTHENTICATED;
                case 403 -> Status.PERMISSION_DENIED;
                case 404 -> Status.NOT_FOUND;
                case 409 -> Status.FAILED_PRECONDITION;
                case 412 -> Status.ABORTED;
                case 422 -> Status.ALREADY_EXISTS;
                case 429 -> Status.RESOURCE_EXHAUSTED;
                case 502, 503 -> Status.UNAVAILABLE;
                default -> Status.INTERNAL;
            };
            return status.withDescription(api.getBody().getDetail()).asRuntimeException();
        }
        log.error("gRPC call failed", error);
        return Status.INTERNAL.withDescription("internal error").asRuntimeException();
    }
}
