package io.chatplatform.support.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ServerBuilder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerExecutorProvider;
import org.springframework.context.annotation.Bean;

/**
 * Every gRPC server of the platform runs its calls on the transport's event loop instead of handing each one to a
 * thread pool.
 *
 * <p>Every service method here is reactive: it assembles a {@code Mono}, subscribes and returns, and the work after
 * that runs wherever the I/O it waits on completes. A pool thread per call then only adds a hand-off to another
 * thread (and its wake-up) before the method starts, which on a two-core machine was a visible share of a send's
 * cost. With gRPC's direct executor (the very instance {@link MoreExecutors#directExecutor()}, which gRPC recognises
 * and runs without its serializing wrapper) nothing may block in a service method, which BlockHound checks in the
 * integration tests: Netty's event loop threads count as non-blocking there.
 * {@code chat.grpc.server.direct-executor=false} goes back to gRPC's default pool, for a service method that ever has
 * to block.
 */
@AutoConfiguration(before = GrpcServerAutoConfiguration.class)
@ConditionalOnClass({ServerBuilder.class, GrpcServerExecutorProvider.class})
@ConditionalOnBooleanProperty(name = "chat.grpc.server.direct-executor", matchIfMissing = true)
public class DirectCallsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    GrpcServerExecutorProvider directGrpcServerExecutor() {
        return MoreExecutors::directExecutor;
    }
}
