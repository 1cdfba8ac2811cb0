package io.chatplatform.loadtest.platform;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fanout}: R rooms of M members, each room receiving messages at a rate, every member connected. */
@Command(name = "fanout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"--rooms rooms of --members members (one connection each), --rate-per-room messages per "
                + "second into each room from its members in turn: send -> ack, send -> delivery at every other "
                + "member, deliveries per second, loss check by seq; baseline: the bare Netty broadcast server with "
                + "the same rooms at the same rate and at its highest rate.",
                "Target: at least 100,000 deliveries/s (e.g. 100 rooms x 200 members x 5/s) with delivery p99 at "
                        + "most 150 ms and at least 50%% of the bare baseline's deliveries/s, nothing lost."})
public final class FanoutCommand extends ScenarioCommand {

    @Option(names = "--rooms", defaultValue = "10", description = "rooms (default: ${DEFAULT-VALUE})")
    int rooms;

    @Option(names = "--members", defaultValue = "20", description = "members per room (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--rate-per-room", defaultValue = "5",
            description = "messages per second into each room (default: ${DEFAULT-VALUE})")
    double ratePerRoom;

    @Option(names = "--p99-target", defaultValue = "150", paramLabel = "MS",
            description = "delivery p99 target in ms (default: ${DEFAULT-VALUE})")
    double p99TargetMs;

    @Override
    void validate(List<String> problems) {
        if (rooms < 1 || members < 2 || !(ratePerRoom > 0)) {
            problems.add("need --rooms >= 1, --members >= 2 and a positive --rate-per-room");
        }
    }

    @Override
    void settings(Map<String, Object> settings) {
        settings.put("rooms", rooms);
        settings.put("members", members);
        settings.put("ratePerRoom", ratePerRoom);
    }

    @Override
    void run(Api api, Report report, PrintStream out) throws Exception {
        double rate = rooms * ratePerRoom;
        try (Fleet fleet = users(api, rooms * members, out)) {
            Traffic traffic = new Traffic(fleet, runId, textSize);
            int firstRoom = Conversations.rooms(api, fleet, traffic, runId, 0, rooms, members,
                    platform.setupConcurrency, out);
            Fleet.ConnectResult connected = fleet.connect(platform, rooms * members, traffic, out);
            report.section("setup", connectFigures(connected));
            Map<String, Object> phase;
            try (MemoryWatch memory = new MemoryWatch(ServerSampler.of(platform))) {
                out.printf(Locale.ROOT, "Fan-out: %,.0f messages/s into %,d rooms of %,d: %s warm-up, %s measured%n",
                        rate, rooms, members, warmUp, duration);
                phase = traffic.finish(traffic.start("fanout", rate, warmUp, duration,
                        Conversations.roundRobinRooms(traffic, firstRoom, rooms)), platform.drain, platform.lateWait);
                memory.addTo(phase);
            }
            report.section("room fan-out", phase);
            checkTraffic(report, phase);
            double deliveries = (double) phase.get("deliveriesPerSecond");
            long p99 = p99(phase, "deliveryLatencyMicros");
            report.target(String.format(Locale.ROOT, "at least 100,000 deliveries/s with delivery p99 at most %.0f ms "
                    + "(%,.0f/s, p99 %s ms)", p99TargetMs, deliveries, Report.format(p99 / 1000.0)),
                    deliveries >= 100_000 && p99 <= p99TargetMs * 1000 && (long) phase.get("lostDeliveries") == 0);
            if (platform.baselines) {
                List<Map<String, Object>> bare = Baselines.broadcast(platform, rooms, members, rate, warmUp, duration,
                        textSize, out);
                bare.forEach(section -> report.section((String) section.get("phase"), section));
                double share = Baselines.ratio(deliveries, (double) bare.get(1).get("deliveriesPerSecond"));
                Map<String, Object> ratios = new LinkedHashMap<>();
                ratios.put("deliveriesPerSecondVsBareMax", share);
                ratios.put("deliveryP99VsBareSameRateP99", Baselines.ratio(p99,
                        p99(bare.get(0), "deliveryLatencyMicros")));
                report.section("ratios (platform ÷ baseline)", ratios);
                report.target(String.format(Locale.ROOT, "at least 50%% of the bare baseline's deliveries/s (%.1f%%)",
                        share * 100), share >= 0.5);
            }
        }
    }
}
