package io.chatplatform.loadtest.platform;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ramp}: DMs or room fan-out at rising rates, until the latency target or the loss check fails. */
@Command(name = "ramp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs --kind dm or fanout at --start sends per second, then each step --factor times more, "
                + "until a step misses the target (delivery p99 above --p99-target, anything lost, refused or "
                + "delivered only after the drain, or fewer than 90%% of the offered deliveries per second): the "
                + "highest rate that still met it.",
                "With baselines: the bare Netty broadcast's highest rate on the same topology, and a Redis PUBLISH at "
                        + "the highest rate found."})
public final class RampCommand extends ScenarioCommand {

    enum Kind { dm, fanout }

    @Option(names = "--kind", defaultValue = "fanout", description = "dm or fanout (default: ${DEFAULT-VALUE})")
    Kind kind;

    @Option(names = "--pairs", defaultValue = "100", description = "dm: DM pairs (default: ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--rooms", defaultValue = "10", description = "fanout: rooms (default: ${DEFAULT-VALUE})")
    int rooms;

    @Option(names = "--members", defaultValue = "20",
            description = "fanout: members per room (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--start", defaultValue = "50",
            description = "first rate, sends per second (default: ${DEFAULT-VALUE})")
    double start;

    @Option(names = "--factor", defaultValue = "1.5",
            description = "rate multiplier per step (default: ${DEFAULT-VALUE})")
    double factor;

    @Option(names = "--steps", defaultValue = "10", description = "at most this many steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--p99-target", paramLabel = "MS",
            description = "delivery p99 target in ms (default: 25 for dm, 150 for fanout)")
    Double p99TargetMs;

    @Override
    void validate(List<String> problems) {
        if (pairs < 1 || rooms < 1 || members < 2 || !(start > 0) || !(factor > 1) || steps < 1) {
            problems.add("need positive --pairs, --rooms, --start and --steps, --members >= 2 and --factor > 1");
        }
    }

    @Override
    void settings(Map<String, Object> settings) {
        settings.put("kind", kind.name());
        if (kind == Kind.dm) {
            settings.put("pairs", pairs);
        } else {
            settings.put("rooms", rooms);
            settings.put("members", members);
        }
        settings.put("start", start);
        settings.put("factor", factor);
        settings.put("p99TargetMs", target());
    }

    private double target() {
        return p99TargetMs != null ? p99TargetMs : kind == Kind.dm ? 25 : 150;
    }

    @Override
    void run(Api api, Report report, PrintStream out) throws Exception {
        int groupSize = kind == Kind.dm ? 2 : members;
        int groups = kind == Kind.dm ? pairs : rooms;
        try (Fleet fleet = users(api, groups * groupSize, out)) {
            Traffic traffic = new Traffic(fleet, runId, textSize);
            Traffic.Workload workload;
            if (kind == Kind.dm) {
                int first = Conversations.dms(api, fleet, traffic, 0, pairs, platform.setupConcurrency, out);
                workload = Conversations.randomDms(traffic, first, pairs, seed);
            } else {
                int first = Conversations.rooms(api, fleet, traffic, runId, 0, rooms, members,
                        platform.setupConcurrency, out);
                workload = Conversations.roundRobinRooms(traffic, first, rooms);
            }
            fleet.connect(platform, groups * groupSize, traffic, out);
            Map<String, Object> best = null;
            double rate = start;
            for (int step = 0; step < steps; step++, rate *= factor) {
                Map<String, Object> figures;
                try (MemoryWatch memory = new MemoryWatch(ServerSampler.of(platform))) {
                    // Only the first step needs the full warm-up; later ones ramp from a warm server.
                    Duration stepWarmUp = step == 0 ? warmUp : Duration.ofSeconds(2);
                    figures = traffic.finish(traffic.start(kind + "-" + step, rate, stepWarmUp, duration, workload),
                            platform.drain, platform.lateWait);
                    memory.addTo(figures);
                }
                boolean met = met(figures, groupSize);
                figures.put("metTarget", met);
                report.section(String.format(Locale.ROOT, "step %d: %,.0f sends/s", step + 1, rate), figures);
                out.printf(Locale.ROOT, "  %,.0f sends/s: %s, ack p99 %s ms -> %s%n", rate, Baselines.summary(figures),
                        Report.format(p99(figures, "ackLatencyMicros") / 1000.0), met ? "met" : "missed");
                if (!met) {
                    break;
                }
                best = figures;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("highestRateMeetingTarget", best == null ? 0.0 : best.get("targetSendsPerSecond"));
            result.put("deliveriesPerSecondThere", best == null ? 0.0 : best.get("deliveriesPerSecond"));
            report.section("ramp result", result);
            report.check("a rate met the target (the first step did)", best != null);
            if (platform.baselines && best != null) {
                double bestRate = (double) best.get("targetSendsPerSecond");
                List<Map<String, Object>> bare = Baselines.broadcast(platform, groups, groupSize, bestRate,
                        Duration.ofSeconds(2), duration, textSize, out);
                bare.forEach(section -> report.section((String) section.get("phase"), section));
                Map<String, Object> ratios = new LinkedHashMap<>();
                ratios.put("deliveriesPerSecondVsBareMax", Baselines.ratio((double) best.get("deliveriesPerSecond"),
                        (double) bare.get(1).get("deliveriesPerSecond")));
                ratios.put("deliveryP99VsBareSameRateP99", Baselines.ratio(p99(best, "deliveryLatencyMicros"),
                        p99(bare.get(0), "deliveryLatencyMicros")));
                if (kind == Kind.dm) {
                    Map<String, Object> redis = RedisPublishBaseline.run(platform.redis, bestRate,
                            Duration.ofSeconds(2), duration, platform.drain);
                    report.section("bare Redis PUBLISH round trip", redis);
                    ratios.put("deliveryP99VsRedisPublishP99", Baselines.ratio(p99(best, "deliveryLatencyMicros"),
                            p99(redis, "roundTripMicros")));
                }
                report.section("ratios (platform ÷ baseline)", ratios);
            }
        }
    }

    private boolean met(Map<String, Object> figures, int groupSize) {
        double offered = (double) figures.get("targetSendsPerSecond") * (groupSize - 1);
        return figures.get("acked").equals(figures.get("sent"))
                && (long) figures.get("lostDeliveries") == 0
                && (long) figures.get("lateDeliveries") == 0
                && (long) figures.get("duplicateDeliveries") == 0
                && (double) figures.get("deliveriesPerSecond") >= 0.9 * offered
                && p99(figures, "deliveryLatencyMicros") <= target() * 1000;
    }
}
