package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.websocket.TestTokens;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WebSocket connection is not an HTTP request in the server's observations (real WebSocket, real server): the
 * upgrade's observation would last as long as the connection, holding its context and span for every connected
 * client. Other requests are still observed.
 */
@WithEmbeddedInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=websocket-service",
        "chat.websocket.allowed-origins=" + ConnectionObservationIT.ORIGIN})
@Import(TestTokens.Config.class)
class ConnectionObservationIT {

    static final String ORIGIN = "http://chat.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private ObservationRegistry observations;

    @org.springframework.test.context.DynamicPropertySource
    static void chatService(org.springframework.test.context.DynamicPropertyRegistry registry) {
        RefusingChatService.useAsChatService(registry);
    }

    @Test
    void theUpgradeToAWebSocketStartsNoServerObservationWhileOtherRequestsDo() throws Exception {
        List<String> observedPaths = new CopyOnWriteArrayList<>();
        observations.observationConfig().observationHandler(new ObservationHandler<ServerRequestObservationContext>() {
            @Override
            public void onStart(ServerRequestObservationContext context) {
                observedPaths.add(context.getCarrier().getPath().value());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof ServerRequestObservationContext;
            }
        });

        try (RawSocketClient client = RawSocketClient.open(port, ORIGIN)) {
            client.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.tokenFor("u-observed") + "\"}");
            assertThat(JSON.readTree(client.read().text()).path("type").asString()).isEqualTo("ready");

            WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(TIMEOUT).build()
                    .get().uri("/actuator/health").exchange().expectStatus().isOk();

            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(observedPaths).as("the handler sees the server's observations").contains("/actuator/health"));
            assertThat(observedPaths).as("with a connection open and authenticated").doesNotContain("/ws");
        }
    }
}
