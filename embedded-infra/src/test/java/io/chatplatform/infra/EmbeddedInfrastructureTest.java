package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Port handling and lifecycle rules that need no running server. */
class EmbeddedInfrastructureTest {

    @Test
    void aTakenPortFailsNamingTheComponentAndPortBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            EmbeddedInfrastructure infra = EmbeddedInfrastructure.builder().kafkaPort(port).build();

            assertThatThrownBy(infra::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Kafka port " + port + " is already in use on 127.0.0.1");
            assertThatThrownBy(infra::redisPort).hasMessageContaining("not started");
        }
    }

    @Test
    void eachTakenPortIsReportedForItsOwnComponent() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(EmbeddedInfrastructure.builder().smtpPort(port).build()::start)
                    .hasMessage("SMTP port " + port + " is already in use on 127.0.0.1");
            assertThatThrownBy(EmbeddedInfrastructure.builder().redisPort(port).build()::start)
                    .hasMessage("Redis port " + port + " is already in use on 127.0.0.1");
        }
    }

    @Test
    void onePortForTwoComponentsIsRejected() {
        // A free port: a fixed one may be taken by a platform running on the same machine.
        int port = Ports.resolve("127.0.0.1", Map.of("any", 0)).get("any");
        assertThatThrownBy(EmbeddedInfrastructure.builder().kafkaPort(port).mongoPort(port).build()::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("MongoDB port " + port + " is already configured for Kafka");
    }

    @Test
    void freePortsArePickedDistinct() {
        Map<String, Integer> ports = Ports.resolve("127.0.0.1", Map.of("a", 0, "b", 0, "c", 0, "d", 0, "e", 0));

        assertThat(ports.values()).doesNotHaveDuplicates().allSatisfy(port -> assertThat(port).isPositive());
    }

    @Test
    void closeBeforeStartIsHarmlessAndFinal() {
        EmbeddedInfrastructure infra = EmbeddedInfrastructure.builder().build();

        infra.close();
        infra.close();

        assertThatThrownBy(infra::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unknownModeIsRejected() {
        String previous = System.setProperty(Infrastructure.MODE_PROPERTY, "kubernetes");
        try {
            assertThatThrownBy(Infrastructure::startSelected)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("chat.infra=kubernetes");
        } finally {
            restore(previous);
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(Infrastructure.MODE_PROPERTY);
        } else {
            System.setProperty(Infrastructure.MODE_PROPERTY, previous);
        }
    }
}
