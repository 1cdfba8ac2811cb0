package io.chatplatform.support.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerReflectionAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Keeps gRPC server reflection on while a service serves only the health service.
 *
 * <p>Spring gRPC registers reflection only when the application itself defines an RPC service, so a server that so
 * far exposes just health (enabled explicitly) would answer {@code grpcurl list} with nothing. Runs after Spring gRPC's
 * own reflection configuration and steps aside, by bean name, whenever that one applied.
 */
@AutoConfiguration(after = {GrpcServerReflectionAutoConfiguration.class, GrpcServerHealthAutoConfiguration.class},
        before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass({BindableService.class, ProtoReflectionServiceV1.class, GrpcServerFactoryAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "spring.grpc.server.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "spring.grpc.server.reflection.enabled", havingValue = "true")
public class GrpcReflectionAutoConfiguration {

    /** Same bean name as Spring gRPC's, so the two can never both register the reflection service. */
    @Bean
    @ConditionalOnMissingBean(name = "serverReflection")
    BindableService serverReflection() {
        return ProtoReflectionServiceV1.newInstance();
    }
}
