package io.chatplatform.loadtest.platform;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mixed}: idle connections, DMs, room fan-out and history reads at once, as a real chat day mixes them. */
@Command(name = "mixed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A chat workload at once: --idle-connections connections of users in no conversation, DMs at "
                + "--dm-rate among --pairs pairs, --rooms rooms of --members at --rate-per-room, and history reads at "
                + "--history-rate; each measured as in its own scenario, plus the server's memory.")
public final class MixedCommand extends ScenarioCommand {

    @Option(names = "--idle-connections", defaultValue = "500", description = "(default: ${DEFAULT-VALUE})")
    int idleConnections;

    @Option(names = "--idle-users", defaultValue = "50", description = "(default: ${DEFAULT-VALUE})")
    int idleUsers;

    @Option(names = "--pairs", defaultValue = "50", description = "DM pairs (default: ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--dm-rate", defaultValue = "100", description = "DMs per second (default: ${DEFAULT-VALUE})")
    double dmRate;

    @Option(names = "--rooms", defaultValue = "5", description = "(default: ${DEFAULT-VALUE})")
    int rooms;

    @Option(names = "--members", defaultValue = "20", description = "(default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--rate-per-room", defaultValue = "2", description = "(default: ${DEFAULT-VALUE})")
    double ratePerRoom;

    @Option(names = "--history-rate", defaultValue = "50",
            description = "50-entry history reads per second over the rooms (default: ${DEFAULT-VALUE})")
    double historyRate;

    @Mixin
    SettleOption settle;

    @Override
    void validate(List<String> problems) {
        if (idleConnections < 0 || idleUsers < 1 || pairs < 1 || rooms < 1 || members < 2 || !(dmRate > 0)
                || !(ratePerRoom > 0) || !(historyRate > 0)) {
            problems.add("counts and rates must be positive (--idle-connections may be 0, --members at least 2)");
        }
        settle.validate(problems);
    }

    @Override
    void settings(Map<String, Object> settings) {
        settings.put("idleConnections", idleConnections);
        settings.put("idleUsers", idleUsers);
        settings.put("pairs", pairs);
        settings.put("dmRate", dmRate);
        settings.put("rooms", rooms);
        settings.put("members", members);
        settings.put("ratePerRoom", ratePerRoom);
        settings.put("historyRate", historyRate);
        settings.put("settle", settle.limit().toString());
    }

    @Override
    void run(Api api, Report report, PrintStream out) throws Exception {
        int dmUsers = 2 * pairs;
        int roomUsers = rooms * members;
        try (Fleet fleet = users(api, dmUsers + roomUsers + idleUsers, out)) {
            Traffic traffic = new Traffic(fleet, runId, textSize);
            int firstDm = Conversations.dms(api, fleet, traffic, 0, pairs, platform.setupConcurrency, out);
            int firstRoom = Conversations.rooms(api, fleet, traffic, runId, dmUsers, rooms, members,
                    platform.setupConcurrency, out);
            List<List<HistoryLoad.Reader>> byRoom = HistoryCommand.readers(fleet, traffic, firstRoom, rooms);
            // Full pages from the start; the fan-out adds more while the reads run.
            HistoryLoad.seed(api, byRoom, 50, platform.setupConcurrency, out);
            Fleet.ConnectResult active = fleet.connect(platform, platform.ws, 0, dmUsers + roomUsers,
                    dmUsers + roomUsers, traffic, out);
            Fleet.ConnectResult idle = fleet.connect(platform, platform.ws, dmUsers + roomUsers, idleUsers,
                    idleConnections, traffic, out);
            Map<String, Object> setup = new LinkedHashMap<>();
            setup.put("activeConnections", active.opened());
            setup.put("idleConnections", idle.opened());
            setup.put("failed", active.failed() + idle.failed());
            setup.put("connectionsPerSecond", (active.opened() + idle.opened()) / (active.seconds() + idle.seconds()));
            setup.put("settledBeforeLoad", settle.await(out).describe());
            report.section("setup", setup);

            out.printf(Locale.ROOT, "Mixed: %,.0f DMs/s, %,.0f room messages/s, %,.0f history reads/s, %,d idle; %s "
                    + "warm-up, %s measured%n", dmRate, rooms * ratePerRoom, historyRate, idle.opened(), warmUp,
                    duration);
            try (MemoryWatch memory = new MemoryWatch(ServerSampler.of(platform))) {
                Traffic.Phase dms = traffic.start("dm", dmRate, warmUp, duration,
                        Conversations.randomDms(traffic, firstDm, pairs, seed));
                Traffic.Phase fanout = traffic.start("fanout", rooms * ratePerRoom, warmUp, duration,
                        Conversations.roundRobinRooms(traffic, firstRoom, rooms));
                CompletableFuture<Map<String, Object>> history = CompletableFuture.supplyAsync(() -> {
                    try {
                        return HistoryLoad.run(api, HistoryCommand.interleave(byRoom), 50, historyRate, warmUp,
                                duration, platform.drain);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                Map<String, Object> dmFigures = traffic.finish(dms, platform.drain, platform.lateWait);
                Map<String, Object> fanoutFigures = traffic.finish(fanout, platform.drain, platform.lateWait);
                Map<String, Object> historyFigures = history.get();
                Map<String, Object> server = new LinkedHashMap<>();
                memory.addTo(server);
                server.put("idleConnectionsClosedByServer", idleClosed(fleet, dmUsers + roomUsers));
                report.section("DMs", dmFigures);
                report.section("room fan-out", fanoutFigures);
                report.section("history reads", historyFigures);
                report.section("server", server);
                checkTraffic(report, dmFigures);
                checkTraffic(report, fanoutFigures);
                HistoryCommand.checkHistory(report, historyFigures, true);
            }
        }
    }

    private static long idleClosed(Fleet fleet, int firstIdleUser) {
        return fleet.clients.stream()
                .filter(client -> client.userIndex >= firstIdleUser && client.closeStatus() >= 0)
                .count();
    }
}
