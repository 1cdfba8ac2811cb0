package io.chatplatform.loadtest.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.LoadTest;
import io.chatplatform.standalone.StandalonePlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * Every platform scenario, at a small scale, against the whole platform started in this JVM, through the same
 * command line an operator uses: each run must pass its checks (nothing lost, nothing refused) and write its figures.
 * The platform keeps its rate limits on, raised just enough for this run's logins. The ramp runs last, on a warm
 * platform: on a cold one its first step may miss even a loose target.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformScenariosIT {

    /** How a wait for a quiet machine ended ({@link Quiet.Outcome#describe}), when /proc/stat could be read. */
    private static final String SETTLED = "(quiet|still busy) after \\d+ s \\(other processes \\d+\\.\\d\\d cores\\)";

    private static final Map<String, String> LIMITS = Map.of(
            "chat.auth.rate-limits.register-per-ip", "500",
            "chat.auth.rate-limits.login-per-ip", "500",
            "chat.auth.rate-limits.login-per-account", "100",
            "chat.gateway.rate-limit.requests", "100000");

    @TempDir
    static Path dataDir;

    @TempDir
    Path output;

    static StandalonePlatform platform;

    @BeforeAll
    static void start() {
        LIMITS.forEach(System::setProperty);
        platform = StandalonePlatform.start(StandalonePlatform.settings(
                "--standalone.data-dir=" + dataDir,
                "--standalone.ports.gateway=0", "--standalone.ports.auth=0", "--standalone.ports.chat=0",
                "--standalone.ports.websocket=0", "--standalone.ports.moderation=0",
                "--standalone.ports.notification=0", "--standalone.ports.auth-grpc=0",
                "--standalone.ports.chat-grpc=0", "--standalone.ports.moderation-grpc=0",
                "--standalone.ports.kafka=0", "--standalone.ports.kafka-controller=0",
                "--standalone.ports.redis=0", "--standalone.ports.mongo=0", "--standalone.ports.smtp=0"));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        LIMITS.keySet().forEach(System::clearProperty);
    }

    @Test
    @Order(1)
    void idleConnectionsStayOpenAndTheServersMemoryIsSampled() throws Exception {
        JsonNode idle = run("idle", "--connections", "40", "--users", "4", "--duration", "1s")
                .path("sections").path("idle connections");

        assertThat(idle.path("opened").asInt()).isEqualTo(40);
        assertThat(idle.path("connectionsPerSecond").asDouble()).isPositive();
        // The platform runs in this JVM, which the tool finds as the process listening on the WebSocket port.
        assertThat(idle.path("serverPid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(idle.path("rssBytesPerConnection").asLong()).isNotNegative();
        assertThat(idle.path("heapUsedAfter").asString()).endsWith("MiB");
        assertThat(idle.path("heapBytesPerConnection").isMissingNode()).isFalse();
    }

    @Test
    @Order(1)
    void idleWithLiveHeapCollectsInTheServersJvmBeforeEachSample() throws Exception {
        JsonNode idle = run("idle", "--connections", "40", "--users", "4", "--duration", "1s", "--live-heap")
                .path("sections").path("idle connections");

        assertThat(idle.path("opened").asInt()).isEqualTo(40);
        // jcmd GC.run on this JVM (the platform's): the live figure is there, and was read (-1 would mean it failed).
        assertThat(idle.path("liveHeapBytesPerConnection").asLong()).isNotNegative();
        assertThat(idle.path("heapBytesPerConnection").isMissingNode()).isTrue();
    }

    @Test
    @Order(2)
    void dmsAreAcknowledgedAndDeliveredOnceWithBaselines() throws Exception {
        JsonNode report = run("dm", "--pairs", "3", "--connections-per-user", "2", "--rate", "20",
                "--warm-up", "1s", "--duration", "2s");

        JsonNode dms = report.path("sections").path("DMs");
        assertDelivered(dms, 2);
        assertThat(report.path("sections").path("bare Redis PUBLISH round trip").path("received").asLong())
                .isEqualTo(report.path("sections").path("bare Redis PUBLISH round trip").path("published").asLong())
                .isPositive();
        assertThat(report.path("sections").path("ratios (platform ÷ baseline)").path("deliveryP99VsBareNettyP99")
                .asDouble()).isPositive();
    }

    @Test
    @Order(3)
    void roomMessagesReachEveryOtherMember() throws Exception {
        JsonNode fanout = run("fanout", "--rooms", "2", "--members", "4", "--rate-per-room", "5",
                "--warm-up", "1s", "--duration", "2s", "--no-baselines")
                .path("sections").path("room fan-out");

        assertDelivered(fanout, 3);
    }

    @Test
    @Order(4)
    void historyPagesAreReadAtARate() throws Exception {
        JsonNode history = run("history", "--rooms", "2", "--members", "2", "--messages", "12", "--page", "10",
                "--rate", "20", "--settle", "10s", "--warm-up", "1s", "--duration", "2s")
                .path("sections").path("history reads");

        assertThat(history.path("requested").asLong()).isGreaterThanOrEqualTo(40);
        assertThat(history.path("shortPages").asLong()).isZero();
        assertThat(history.path("latencyMicros").path("count").asLong()).isGreaterThanOrEqualTo(35);
        assertThat(history.path("settledBeforeReads").asText()).matches(SETTLED);
    }

    @Test
    @Order(5)
    void aMixedWorkloadRunsEveryPartAtOnce() throws Exception {
        JsonNode sections = run("mixed", "--idle-connections", "10", "--idle-users", "2", "--pairs", "2",
                "--dm-rate", "10", "--rooms", "2", "--members", "3", "--rate-per-room", "3", "--history-rate", "10",
                "--settle", "10s", "--warm-up", "1s", "--duration", "2s").path("sections");

        assertDelivered(sections.path("DMs"), 1);
        assertDelivered(sections.path("room fan-out"), 2);
        assertThat(sections.path("history reads").path("latencyMicros").path("count").asLong()).isPositive();
        assertThat(sections.path("server").path("idleConnectionsClosedByServer").asLong()).isZero();
        assertThat(sections.path("setup").path("settledBeforeLoad").asText()).matches(SETTLED);
    }

    @Test
    @Order(6)
    void theRampStepsUpWhileTheTargetIsMet() throws Exception {
        JsonNode sections = run("ramp", "--kind", "dm", "--pairs", "2", "--start", "5", "--factor", "2",
                "--steps", "2", "--p99-target", "60000", "--warm-up", "2s", "--duration", "2s", "--no-baselines")
                .path("sections");

        assertThat(sections.path("ramp result").path("highestRateMeetingTarget").asDouble()).isEqualTo(10.0);
        assertDelivered(sections.path("step 2: 10 sends/s"), 1);
    }

    /** Every send acknowledged, every other member's connection got each once, latencies recorded. */
    private static void assertDelivered(JsonNode phase, int receiversPerSend) {
        long sent = phase.path("sent").asLong();
        assertThat(sent).isPositive();
        assertThat(phase.path("acked").asLong()).isEqualTo(sent);
        assertThat(phase.path("expectedDeliveries").asLong()).isEqualTo(sent * receiversPerSend);
        assertThat(phase.path("deliveries").asLong()).isEqualTo(sent * receiversPerSend);
        assertThat(phase.path("lostDeliveries").asLong()).isZero();
        assertThat(phase.path("duplicateDeliveries").asLong()).isZero();
        assertThat(phase.path("ackLatencyMicros").path("count").asLong()).isPositive();
        assertThat(phase.path("deliveryLatencyMicros").path("count").asLong()).isPositive();
    }

    /** Runs a scenario as the command line does; it must pass its checks. Returns its JSON. */
    private JsonNode run(String scenario, String... options) throws Exception {
        Path json = output.resolve(scenario + ".json");
        List<String> args = new ArrayList<>(List.of(scenario,
                "--api", platform.gatewayUrl(),
                "--ws", "ws://127.0.0.1:" + platform.ports().websocket() + "/ws",
                "--origin", platform.gatewayUrl(),
                "--actuator", "http://127.0.0.1:" + platform.ports().websocket(),
                "--redis", "127.0.0.1:" + platform.infrastructure().redisPort(),
                "--source-addresses", "3",
                "--drain", "10s",
                "--baseline-step", "1s", "--baseline-steps", "2",
                "--json", json.toString()));
        args.addAll(List.of(options));
        int exitCode = new CommandLine(new LoadTest()).execute(args.toArray(String[]::new));
        assertThat(Files.exists(json)).as("%s wrote its JSON", scenario).isTrue();
        JsonNode report = Api.JSON.readTree(json.toFile());
        assertThat(exitCode).as("%s passed its checks: %s", scenario, report.path("targets")).isZero();
        return report;
    }
}
