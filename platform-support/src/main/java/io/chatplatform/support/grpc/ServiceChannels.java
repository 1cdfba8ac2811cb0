package io.chatplatform.support.grpc;

import io.grpc.ManagedChannelBuilder;

/** How one platform service opens its channel to another. */
public final class ServiceChannels {

    private ServiceChannels() {
    }

    /**
     * A channel to {@code target} ({@code host:port}), plaintext inside the platform's network, connecting lazily on
     * the first call (the other service may start later). Answers are taken on the transport's event loop: every call
     * goes through {@link UnaryCalls}, whose answer only completes a {@code Mono}, so handing each one to gRPC's pool
     * first would only add a thread hand-off. The caller adds interceptors and builds.
     */
    public static ManagedChannelBuilder<?> to(String target) {
        return ManagedChannelBuilder.forTarget(target)
                .usePlaintext()
                .directExecutor();
    }
}
