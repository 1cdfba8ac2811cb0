package io.chatplatform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the CLI against a real gRPC server on a loopback socket. */
class HealthCommandTest {

    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;

    @BeforeEach
    void startServer() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService())
                .build()
                .start();
        System.setOut(new PrintStream(out, true));
    }

    @AfterEach
    void stopServer() {
        System.setOut(originalOut);
        server.shutdownNow();
    }

    @Test
    void servingServerExitsZero() {
        health.setStatus("", ServingStatus.SERVING);

        int exit = ModerationCli.commandLine().execute("--target", "127.0.0.1:" + server.getPort(), "health");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("SERVING");
    }

    @Test
    void notServingServerExitsOne() {
        health.setStatus("", ServingStatus.NOT_SERVING);

        int exit = ModerationCli.commandLine().execute("--target", "127.0.0.1:" + server.getPort(), "health");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("NOT_SERVING");
    }

    @Test
    void unreachableServerExitsOne() {
        int port = server.getPort();
        server.shutdownNow();

        int exit = ModerationCli.commandLine().execute("--target", "127.0.0.1:" + port, "--deadline", "3", "health");

        assertThat(exit).isEqualTo(1);
    }
}
