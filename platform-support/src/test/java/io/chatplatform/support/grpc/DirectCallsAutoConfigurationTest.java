package io.chatplatform.support.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/** A real gRPC server started by Spring gRPC, called over a socket: on which thread does a service method run? */
class DirectCallsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DirectCallsAutoConfiguration.class,
                    GrpcServerAutoConfiguration.class, GrpcServerFactoryAutoConfiguration.class,
                    SslAutoConfiguration.class))
            .withPropertyValues("spring.grpc.server.address=127.0.0.1:0")
            .withBean(ThreadRecordingHealth.class)
            .withBean(StartedPort.class);

    @Test
    void serviceMethodsRunOnTheTransportsEventLoop() {
        runner.run(context -> assertThat(threadOfACall(context)).startsWith("grpc-default-worker"));
    }

    @Test
    void turnedOffTheyRunInGrpcsPoolAgain() {
        runner.withPropertyValues("chat.grpc.server.direct-executor=false")
                .run(context -> assertThat(threadOfACall(context)).startsWith("grpc-default-executor"));
    }

    private static String threadOfACall(ConfigurableApplicationContext context) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", context.getBean(StartedPort.class).port)
                .usePlaintext()
                .build();
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            return context.getBean(ThreadRecordingHealth.class).thread.get();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static class ThreadRecordingHealth extends HealthGrpc.HealthImplBase implements BindableService {

        final AtomicReference<String> thread = new AtomicReference<>();

        @Override
        public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
            thread.set(Thread.currentThread().getName());
            responses.onNext(HealthCheckResponse.newBuilder()
                    .setStatus(HealthCheckResponse.ServingStatus.SERVING)
                    .build());
            responses.onCompleted();
        }
    }

    static class StartedPort implements ApplicationListener<GrpcServerStartedEvent> {

        volatile int port;

        @Override
        public void onApplicationEvent(GrpcServerStartedEvent event) {
            port = event.getPort();
        }
    }
}
