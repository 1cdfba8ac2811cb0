package io.chatplatform.support.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/up", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void healthyOnlyWhenTheEndpointAnswers200() {
        assertThat(HealthCheck.isHealthy(uri("/up"), Duration.ofSeconds(2))).isTrue();
        assertThat(HealthCheck.isHealthy(uri("/down"), Duration.ofSeconds(2))).isFalse();
    }

    @Test
    void unhealthyWhenNothingListens() {
        int port = server.getAddress().getPort();
        server.stop(0);

        assertThat(HealthCheck.isHealthy(URI.create("http://127.0.0.1:" + port + "/up"), Duration.ofSeconds(1)))
                .isFalse();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }
}
