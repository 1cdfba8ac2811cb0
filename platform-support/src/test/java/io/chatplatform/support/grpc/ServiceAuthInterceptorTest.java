package io.chatplatform.support.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Service credentials over a real gRPC socket, with the health service standing in for an internal one. */
class ServiceAuthInterceptorTest {

    private Server server;
    private ManagedChannel channel;

    private HealthGrpc.HealthBlockingStub serve(String token, Set<String> protectedServices) throws Exception {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(),
                        new ServiceAuthInterceptor(token, protectedServices)))
                .build()
                .start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create())
                .build();
        return HealthGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void aProtectedServiceAnswersOnlyCallsThatPresentTheToken() throws Exception {
        HealthGrpc.HealthBlockingStub health = serve("s3cret", Set.of(HealthGrpc.SERVICE_NAME));
        HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();

        assertThatThrownBy(() -> health.check(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains("service credentials");
                });
        assertThatThrownBy(() -> ServiceCredentials.attach(health, "s3cret-not").check(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(ServiceCredentials.attach(health, "s3cret").check(request).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void otherServicesAndAnUnconfiguredTokenPassEveryCall() throws Exception {
        HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
        assertThat(serve("s3cret", Set.of("chatplatform.chat.v1.ChatService")).check(request).getStatus())
                .isEqualTo(ServingStatus.SERVING);
        stop();
        assertThat(serve(null, Set.of(HealthGrpc.SERVICE_NAME)).check(request).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }
}
