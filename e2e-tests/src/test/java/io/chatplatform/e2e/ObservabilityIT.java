package io.chatplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.chatplatform.standalone.StandalonePlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an operator sees of the whole platform: one trace from a send to its delivery (over REST and Redis for a DM,
 * over the WebSocket, gRPC and Kafka for a room), read from the trace ids in the services' log lines, and
 * websocket-service's metrics as Prometheus scrapes them.
 */
class ObservabilityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> TRACED_LOGGERS = List.of(
            "io.chatplatform.websocket.connection.ChatSocketHandler",
            "io.chatplatform.chat.observability.StoredMessages",
            "io.chatplatform.websocket.observability.WebSocketMetrics");

    @TempDir
    static Path dataDir;

    static StandalonePlatform platform;
    static final TraceLog traces = new TraceLog();

    @BeforeAll
    static void start() {
        System.setProperty("management.tracing.sampling.probability", "1.0");
        platform = StandalonePlatform.start(StandalonePlatformIT.freePorts(dataDir));
        // After the start: each service's start reconfigures logging.
        traces.start();
        for (String name : TRACED_LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            logger.setLevel(Level.DEBUG);
            logger.addAppender(traces);
        }
    }

    @AfterAll
    static void stop() {
        for (String name : TRACED_LOGGERS) {
            ((Logger) LoggerFactory.getLogger(name)).detachAppender(traces);
        }
        if (platform != null) {
            platform.close();
        }
        System.clearProperty("management.tracing.sampling.probability");
    }

    @Test
    void aDmSentOverRestIsStoredAndDeliveredUnderTheSendersTraceId() throws Exception {
        User alice = register("alice");
        User bob = register("bob");
        String dmId = (String) api(alice).post().uri("/api/dm/{id}", bob.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";

        try (RealtimeDeliveryIT.Client bobWs = RealtimeDeliveryIT.Client.connect(websocketUrl(), origin())) {
            bobWs.authenticate(bob.token());
            Map<?, ?> sent = api(alice).post().uri("/api/conversations/{id}/messages", dmId)
                    .header("traceparent", traceparent)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", "traced"))
                    .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
            Map<?, ?> message = (Map<?, ?>) sent.get("message");
            long seq = ((Number) message.get("seq")).longValue();
            assertThat(bobWs.next("message").path("message").path("seq").asLong()).isEqualTo(seq);

            assertStoredAndDeliveredUnder(traceId, (String) message.get("messageId"), dmId + "#" + seq);
        }
    }

    @Test
    void aRoomMessageSentOverTheWebSocketKeepsOneTraceIdThroughGrpcKafkaAndDelivery() throws Exception {
        User carol = register("carol");
        User dave = register("dave");
        String roomId = (String) api(carol).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Traced " + UUID.randomUUID(), "visibility", "public"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        api(dave).post().uri("/api/rooms/{id}/join", roomId).exchange().expectStatus().isOk();

        try (RealtimeDeliveryIT.Client carolWs = RealtimeDeliveryIT.Client.connect(websocketUrl(), origin());
             RealtimeDeliveryIT.Client daveWs = RealtimeDeliveryIT.Client.connect(websocketUrl(), origin())) {
            carolWs.authenticate(carol.token());
            daveWs.authenticate(dave.token());
            String clientMsgId = "traced-" + UUID.randomUUID();
            carolWs.send(Map.of("type", "send", "conversationId", roomId, "clientMsgId", clientMsgId,
                    "text", "traced room message"));
            JsonNode ack = carolWs.next("ack");
            long seq = ack.path("seq").asLong();
            assertThat(daveWs.next("message").path("message").path("seq").asLong()).isEqualTo(seq);

            String entry = roomId + "#" + seq;
            String sendTrace = traces.traceIdOf("Sent " + clientMsgId + " as " + entry);
            assertThat(sendTrace).as("the WebSocket send is traced").isNotBlank();
            assertStoredAndDeliveredUnder(sendTrace, ack.path("messageId").asString(), entry);
        }
    }

    @Test
    void websocketServiceMeasuresConnectionsDeliveriesLatencyAndResumes() throws Exception {
        User erin = register("erin");
        User frank = register("frank");
        String dmId = (String) api(erin).post().uri("/api/dm/{id}", frank.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        double redisBefore = value("chat_websocket_deliveries_total{source=\"redis\"}");
        double resumesBefore = value("chat_websocket_resumes_total{outcome=\"done\"}");

        try (RealtimeDeliveryIT.Client erinWs = RealtimeDeliveryIT.Client.connect(websocketUrl(), origin());
             RealtimeDeliveryIT.Client frankWs = RealtimeDeliveryIT.Client.connect(websocketUrl(), origin())) {
            erinWs.authenticate(erin.token());
            frankWs.authenticate(frank.token());
            assertThat(value("chat_websocket_connections")).isGreaterThanOrEqualTo(2);

            erinWs.send(Map.of("type", "send", "conversationId", dmId, "clientMsgId", "m-1", "text", "measured"));
            erinWs.next("ack");
            frankWs.next("message");
            // The DM went to frank's connection and to erin's own (her other devices): two deliveries.
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(value("chat_websocket_deliveries_total{source=\"redis\"}"))
                            .isGreaterThanOrEqualTo(redisBefore + 2));
            assertThat(value("chat_websocket_delivery_latency_seconds_count{source=\"redis\"}")).isPositive();
            assertThat(scrape()).contains("chat_websocket_delivery_latency_seconds_bucket{source=\"redis\",le=");

            frankWs.send(Map.of("type", "resume", "conversations", Map.of(dmId, 0)));
            frankWs.next("resume.done");
            assertThat(value("chat_websocket_resumes_total{outcome=\"done\"}")).isEqualTo(resumesBefore + 1);
        }
        String scrape = scrape();
        assertThat(scrape).contains("chat_websocket_slow_reader_drops_total ",
                // websocket-service consumes chat.room-events and moderation.events: their lag is measured.
                "kafka_consumer_fetch_manager_records_lag_max");
    }

    /**
     * Every metric the Helm chart's Grafana dashboard queries is published by some service, under that name, once the
     * platform has done what the panels show: a DM delivered over WebSockets, a message in a pre-moderated room
     * (checked by moderation-service), registrations (their verification emails are notifications).
     */
    @Test
    void everyMetricTheDashboardQueriesIsPublished() throws Exception {
        Set<String> queried = dashboardMetrics(Files.readString(
                Path.of("..", "helm", "chat-platform", "files", "grafana-dashboard.json")));
        assertThat(queried).contains("chat_websocket_connections", "moderation_check_latency_seconds_bucket");

        User grace = register("grace");
        User heidi = register("heidi");
        String dmId = (String) api(grace).post().uri("/api/dm/{id}", heidi.id()).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        try (RealtimeDeliveryIT.Client graceWs = RealtimeDeliveryIT.Client.connect(websocketUrl(), origin());
             RealtimeDeliveryIT.Client heidiWs = RealtimeDeliveryIT.Client.connect(websocketUrl(), origin())) {
            graceWs.authenticate(grace.token());
            heidiWs.authenticate(heidi.token());
            graceWs.send(Map.of("type", "send", "conversationId", dmId, "clientMsgId", "dash-1", "text", "watched"));
            graceWs.next("ack");
            heidiWs.next("message");
        }
        String roomId = (String) api(grace).post().uri("/api/rooms").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Checked first", "visibility", "private", "moderationMode", "pre"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        api(grace).post().uri("/api/conversations/{id}/messages", roomId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", "dash-2", "text", "held until checked"))
                .exchange().expectStatus().is2xxSuccessful();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            String scrapes = allScrapes();
            assertThat(queried).allSatisfy(metric -> assertThat(scrapes)
                    .as("a service publishes %s", metric)
                    .containsPattern("(?m)^" + Pattern.quote(metric) + "[{ ]"));
        });
    }

    /** A name with an underscore that is not called: a metric, not a function such as {@code histogram_quantile}. */
    private static final Pattern METRIC_NAME = Pattern.compile("\\b([a-z][a-z0-9_]*_[a-z0-9_]*)\\b(?!\\s*\\()");

    /** The metric names in the dashboard's queries: not functions, not the labels of {@code by (...)} or selectors. */
    private static Set<String> dashboardMetrics(String dashboard) {
        Set<String> metrics = new TreeSet<>();
        for (JsonNode panel : JsonMapper.builder().build().readTree(dashboard).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String query = target.path("expr").asString()
                        .replaceAll("by \\([^)]*\\)", " ")
                        .replaceAll("\\{[^}]*}", " ");
                Matcher name = METRIC_NAME.matcher(query);
                while (name.find()) {
                    metrics.add(name.group(1));
                }
            }
        }
        return metrics;
    }

    /** What every service's {@code /actuator/prometheus} shows now, one after another. */
    private static String allScrapes() {
        StandalonePlatform.ResolvedPorts ports = platform.ports();
        StringBuilder all = new StringBuilder();
        for (int port : List.of(ports.gateway(), ports.auth(), ports.chat(), ports.websocket(), ports.moderation(),
                ports.notification())) {
            all.append(scrape("http://127.0.0.1:" + port)).append('\n');
        }
        return all.toString();
    }

    /** chat-service stored the message, and websocket-service delivered it, under {@code traceId}. */
    private static void assertStoredAndDeliveredUnder(String traceId, String messageId, String entry) {
        assertThat(traces.traceIdOf("Stored message " + messageId + " as " + entry))
                .as("chat-service stored it under the send's trace").isEqualTo(traceId);
        assertThat(traces.traceIdOf("Delivered message.created " + entry + " "))
                .as("websocket-service delivered it under the same trace").isEqualTo(traceId);
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static String scrape() {
        return scrape(websocketUrl());
    }

    private static String scrape(String baseUrl) {
        return WebTestClient.bindToServer().baseUrl(baseUrl).responseTimeout(TIMEOUT).build()
                .get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    /** A sample's value on websocket-service; 0 when the series is not there yet. */
    private static double value(String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static String websocketUrl() {
        return "http://127.0.0.1:" + platform.ports().websocket();
    }

    private static String origin() {
        return platform.gatewayUrl().replaceAll("/$", "");
    }

    private record User(String id, String token) {
    }

    private static User register(String name) {
        Accounts.Account account = Accounts.register(platform.gatewayUrl(), name);
        return new User(account.id(), account.token());
    }

    private static WebTestClient api(User user) {
        return WebTestClient.bindToServer().baseUrl(platform.gatewayUrl()).responseTimeout(TIMEOUT)
                .defaultHeader("Authorization", "Bearer " + user.token()).build();
    }

    /** Log lines of the traced loggers with the trace id in their MDC, taken when they are logged. */
    static final class TraceLog extends AppenderBase<ILoggingEvent> {

        private record Line(String message, String traceId) {
        }

        private final List<Line> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(new Line(event.getFormattedMessage(), event.getMDCPropertyMap().get("traceId")));
        }

        /** The trace id of the line that starts with {@code prefix}, once it was logged; null if untraced. */
        String traceIdOf(String prefix) {
            await().atMost(TIMEOUT).until(() -> lines.stream().anyMatch(line -> line.message().startsWith(prefix)));
            return lines.stream()
                    .filter(line -> line.message().startsWith(prefix))
                    .findFirst()
                    .map(Line::traceId)
                    .orElseThrow();
        }
    }
}
