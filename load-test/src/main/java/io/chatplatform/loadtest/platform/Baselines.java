package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.measure.LatencySummary;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The raw baselines a scenario is read against, measured in the same run on the same machine: the bare Reactor Netty
 * broadcast server with the scenario's own topology (rooms of members; a DM is a room of two), and a bare Redis
 * PUBLISH round trip.
 */
final class Baselines {

    private Baselines() {
    }

    /**
     * The bare server at the scenario's rate (for latency), then at doubling rates until it stops keeping up (its
     * highest deliveries per second: the fan-out limit of this machine). One section each.
     */
    static List<Map<String, Object>> broadcast(PlatformOptions options, int rooms, int members, double rate,
                                               Duration warmUp, Duration measured, int textSize,
                                               PrintStream out) throws InterruptedException {
        out.printf(Locale.ROOT, "%nBaseline: bare Netty broadcast, %,d rooms x %,d members%n", rooms, members);
        List<Api.Session> users = new ArrayList<>();
        for (int room = 0; room < rooms; room++) {
            for (int m = 0; m < members; m++) {
                // The bare server reads the room from the auth frame's token.
                users.add(new Api.Session("b" + (room * members + m), "b" + m, "room-" + room));
            }
        }
        List<Map<String, Object>> sections = new ArrayList<>();
        try (BareBroadcastServer server = BareBroadcastServer.start("127.0.0.1");
             Fleet fleet = Fleet.of(users)) {
            Traffic traffic = new Traffic(fleet, "bare", textSize, true);
            for (int room = 0; room < rooms; room++) {
                int[] memberIndexes = new int[members];
                for (int m = 0; m < members; m++) {
                    memberIndexes[m] = room * members + m;
                }
                traffic.add(new Traffic.Conversation("room-" + room, memberIndexes));
            }
            fleet.connect(options, URI.create("ws://127.0.0.1:" + server.port() + "/ws"), users.size(), traffic, out);
            Traffic.Workload workload = Conversations.roundRobinRooms(traffic, 0, rooms);
            Map<String, Object> sameRate = traffic.finish(
                    traffic.start("bare-same-rate", rate, warmUp, measured, workload), options.drain, options.lateWait);
            sameRate.put("phase", "bare broadcast at the scenario's rate");
            sections.add(sameRate);
            out.println("  same rate: " + summary(sameRate));
            Map<String, Object> best = null;
            double stepRate = rate * 2;
            for (int step = 0; step < options.baselineSteps; step++, stepRate *= 2) {
                Map<String, Object> figures = traffic.finish(traffic.start("bare-max-" + step, stepRate,
                        Duration.ofSeconds(1), options.baselineStep, workload), options.drain, options.lateWait);
                out.printf(Locale.ROOT, "  %,.0f sends/s: %s%n", stepRate, summary(figures));
                if (!keptUp(figures, members)) {
                    break;
                }
                best = figures;
            }
            Map<String, Object> max = new LinkedHashMap<>();
            max.put("phase", "bare broadcast, highest rate it kept up with");
            max.put("targetSendsPerSecond", best == null ? 0.0 : best.get("targetSendsPerSecond"));
            max.put("deliveriesPerSecond", best == null ? 0.0 : best.get("deliveriesPerSecond"));
            max.put("deliveryLatencyMicros", best == null ? LatencySummary.EMPTY : best.get("deliveryLatencyMicros"));
            sections.add(max);
        }
        return sections;
    }

    /**
     * Every delivery arrived within the drain and the deliveries per second reached 90% of what the rate asks for.
     */
    static boolean keptUp(Map<String, Object> figures, int members) {
        double offered = (double) figures.get("targetSendsPerSecond") * (members - 1);
        return (long) figures.get("lostDeliveries") == 0 && (long) figures.get("lateDeliveries") == 0
                && (double) figures.get("deliveriesPerSecond") >= 0.9 * offered;
    }

    static String summary(Map<String, Object> figures) {
        return String.format(Locale.ROOT, "%,.0f deliveries/s, delivery %s, %,d late, %,d lost",
                (double) figures.get("deliveriesPerSecond"), Report.format(figures.get("deliveryLatencyMicros")),
                (long) figures.get("lateDeliveries"), (long) figures.get("lostDeliveries"));
    }

    /** Platform figure ÷ baseline figure, or -1 when the baseline is 0. */
    static double ratio(double platform, double baseline) {
        return baseline <= 0 ? -1 : platform / baseline;
    }
}
