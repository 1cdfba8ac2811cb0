package io.chatplatform.support.grpc;

import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * A unary gRPC call on an async stub as a {@link Mono}: the one adapter every client of another service uses, so
 * none blocks a thread on a blocking stub. Cancelling the Mono does not cancel the call (use a deadline on the stub).
 */
public final class UnaryCalls {

    private UnaryCalls() {
    }

    /**
     * @param call starts the call with the observer it is given, e.g. {@code observer -> stub.check(request, observer)}
     * @return the response, or the call's {@code StatusRuntimeException}
     */
    public static <R> Mono<R> mono(Consumer<StreamObserver<R>> call) {
        return Mono.create(sink -> call.accept(new StreamObserver<>() {
            @Override
            public void onNext(R response) {
                sink.success(response);
            }

            @Override
            public void onError(Throwable error) {
                sink.error(error);
            }

            @Override
            public void onCompleted() {
                sink.success();
            }
        }));
    }
}
