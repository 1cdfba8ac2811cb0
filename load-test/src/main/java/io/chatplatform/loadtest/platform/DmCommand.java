package io.chatplatform.loadtest.platform;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dm}: DMs between pairs of users at a fixed rate, end to end over WebSockets. */
@Command(name = "dm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"DMs at --rate per second among --pairs pairs of users (one connection each by default): "
                + "WebSocket send -> ack (stored) and send -> delivery at the other user's connections "
                + "(store -> Redis -> WebSocket), with a loss check by seq; baselines: bare Netty broadcast "
                + "between the same pairs and a bare Redis PUBLISH at the same rate.",
                "Target: p99 at most 25 ms at 2,000 DMs/s, nothing lost."})
public final class DmCommand extends ScenarioCommand {

    @Option(names = "--pairs", defaultValue = "100", description = "DM pairs (default: ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--connections-per-user", defaultValue = "1",
            description = "each user's connections (devices); every one must get each DM (default: ${DEFAULT-VALUE})")
    int connectionsPerUser;

    @Option(names = "--rate", defaultValue = "200", description = "DMs per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--p99-target", defaultValue = "25", paramLabel = "MS",
            description = "delivery p99 target in ms (default: ${DEFAULT-VALUE})")
    double p99TargetMs;

    @Override
    void validate(List<String> problems) {
        if (pairs < 1 || connectionsPerUser < 1 || !(rate > 0)) {
            problems.add("--pairs, --connections-per-user and --rate must be positive");
        }
    }

    @Override
    void settings(Map<String, Object> settings) {
        settings.put("pairs", pairs);
        settings.put("connectionsPerUser", connectionsPerUser);
        settings.put("rate", rate);
    }

    @Override
    void run(Api api, Report report, PrintStream out) throws Exception {
        try (Fleet fleet = users(api, 2 * pairs, out)) {
            Traffic traffic = new Traffic(fleet, runId, textSize);
            int firstDm = Conversations.dms(api, fleet, traffic, 0, pairs, platform.setupConcurrency, out);
            report.section("setup", connect(fleet, traffic, 2 * pairs * connectionsPerUser, out));
            Map<String, Object> phase;
            try (MemoryWatch memory = new MemoryWatch(ServerSampler.of(platform))) {
                out.printf(Locale.ROOT, "DMs at %,.0f/s: %s warm-up, %s measured%n", rate, warmUp, duration);
                phase = traffic.finish(traffic.start("dm", rate, warmUp, duration,
                        Conversations.randomDms(traffic, firstDm, pairs, seed)), platform.drain, platform.lateWait);
                memory.addTo(phase);
            }
            report.section("DMs", phase);
            checkTraffic(report, phase);
            report.target(String.format(Locale.ROOT, "DM delivery p99 at most %.0f ms at 2,000 DMs/s (p99 %s ms at "
                            + "%,.0f/s)", p99TargetMs, Report.format(p99(phase, "deliveryLatencyMicros") / 1000.0),
                    rate),
                    rate >= 2000 && p99(phase, "deliveryLatencyMicros") <= p99TargetMs * 1000
                            && (long) phase.get("lostDeliveries") == 0);
            if (platform.baselines) {
                baselines(report, phase, out);
            }
        }
    }

    private Map<String, Object> connect(Fleet fleet, Traffic traffic, int count, PrintStream out) {
        return connectFigures(fleet.connect(platform, count, traffic, out));
    }

    private void baselines(Report report, Map<String, Object> phase, PrintStream out) throws Exception {
        List<Map<String, Object>> bare = Baselines.broadcast(platform, pairs, 2, rate, warmUp, duration,
                textSize, out);
        bare.forEach(section -> report.section((String) section.get("phase"), section));
        Map<String, Object> redis = RedisPublishBaseline.run(platform.redis, rate, warmUp, duration, platform.drain);
        report.section("bare Redis PUBLISH round trip", redis);
        report.section("ratios (platform ÷ baseline)", Map.of(
                "deliveryP99VsBareNettyP99", Baselines.ratio(p99(phase, "deliveryLatencyMicros"),
                        p99(bare.get(0), "deliveryLatencyMicros")),
                "deliveryP99VsRedisPublishP99", Baselines.ratio(p99(phase, "deliveryLatencyMicros"),
                        p99(redis, "roundTripMicros"))));
    }
}
