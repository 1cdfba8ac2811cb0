package io.chatplatform.loadtest.platform;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code idle}: N authenticated connections that only stay open; the server's memory per connection. */
@Command(name = "idle", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Opens --connections authenticated WebSockets over --users users and holds them for "
                + "--duration: connection setup rate, the server's RSS and heap per connection, connections lost.",
                "Target (one websocket-service): 50,000 connections with RSS under 1 GiB, at most 20 KiB each."})
public final class IdleCommand extends ScenarioCommand {

    private static final long TARGET_BYTES_PER_CONNECTION = 20 * 1024;

    @Option(names = "--connections", defaultValue = "1000", description = "connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--users", defaultValue = "100",
            description = "users the connections are spread over; a user may hold many (default: ${DEFAULT-VALUE})")
    int users;

    @Option(names = "--live-heap", description = "before each sample, run a full collection in the server's JVM "
            + "(jcmd <pid> GC.run; the server must be a local JVM), so the heap figures are live objects only: the "
            + "connections' own cost, whatever the collector's sizing (default: off)")
    boolean liveHeap;

    @Override
    void validate(List<String> problems) {
        if (connections < 1 || users < 1) {
            problems.add("--connections and --users must be positive");
        }
    }

    @Override
    void settings(Map<String, Object> settings) {
        settings.put("connections", connections);
        settings.put("users", users);
        settings.put("liveHeap", liveHeap);
    }

    @Override
    void run(Api api, Report report, PrintStream out) throws Exception {
        try (Fleet fleet = users(api, users, out)) {
            ServerSampler sampler = ServerSampler.of(platform);
            ServerSampler.Sample before = sample(sampler);
            Fleet.ConnectResult connected = fleet.connect(platform, connections, (client, frame, nanos) -> { }, out);
            out.printf(Locale.ROOT, "Holding %,d connections for %s%n", connected.opened(), duration);
            Thread.sleep(duration.toMillis());
            ServerSampler.Sample after = sample(sampler);

            Map<String, Object> figures = connectFigures(connected);
            figures.put("closedByServerWhileIdle", fleet.closedByServer());
            figures.put("serverPid", sampler.pid());
            figures.put("rssBefore", Report.mib(before.rssBytes()));
            figures.put("rssAfter", Report.mib(after.rssBytes()));
            figures.put("heapUsedBefore", Report.mib(before.heapUsedBytes()));
            figures.put("heapUsedAfter", Report.mib(after.heapUsedBytes()));
            long rssPerConnection = perConnection(before.rssBytes(), after.rssBytes(), connected.opened());
            figures.put("rssBytesPerConnection", rssPerConnection);
            // With --live-heap the heap readings follow a full collection: live objects only.
            figures.put(liveHeap ? "liveHeapBytesPerConnection" : "heapBytesPerConnection",
                    perConnection(before.heapUsedBytes(), after.heapUsedBytes(), connected.opened()));
            report.section("idle connections", figures);

            report.check("every connection opened (" + connected.failed() + " failed)", connected.failed() == 0);
            report.check("no connection closed while idle (" + fleet.closedByServer() + ")",
                    fleet.closedByServer() == 0);
            report.target("at most 20 KiB RSS per connection (" + rssPerConnection + " bytes"
                            + (rssPerConnection < 0 ? ": RSS unknown, give --server-pid" : "") + ")",
                    rssPerConnection >= 0 && rssPerConnection <= TARGET_BYTES_PER_CONNECTION);
            report.target("50,000 connections with RSS under 1 GiB (" + connected.opened() + " connections, RSS "
                            + Report.mib(after.rssBytes()) + ")",
                    connected.opened() >= 50_000 && after.rssBytes() >= 0 && after.rssBytes() < (1L << 30));
        }
    }

    /** A reading, after a full collection in the server's JVM when asked for (a heap it cannot read is -1). */
    private ServerSampler.Sample sample(ServerSampler sampler) {
        if (!liveHeap) {
            return sampler.sample();
        }
        return sampler.collectGarbage()
                ? sampler.sample()
                : new ServerSampler.Sample(sampler.sample().rssBytes(), -1);
    }

    /** Growth per connection, or -1 when either reading is unknown; a shrinking heap (a GC) reads as 0. */
    static long perConnection(long before, long after, int connections) {
        if (before < 0 || after < 0 || connections == 0) {
            return -1;
        }
        return Math.max(0, (after - before) / connections);
    }
}
