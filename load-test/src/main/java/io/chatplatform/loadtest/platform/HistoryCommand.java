package io.chatplatform.loadtest.platform;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code history}: pages of history over REST at a fixed rate. */
@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Seeds --rooms rooms with --messages messages each (over REST), then reads the newest "
                + "--page entries of a room at --rate requests per second, round robin over rooms and members: "
                + "latency from due time to the whole page, short pages, errors.",
                "Target: 50-message pages at 500 requests/s with p99 at most 20 ms."})
public final class HistoryCommand extends ScenarioCommand {

    @Option(names = "--rooms", defaultValue = "10", description = "rooms (default: ${DEFAULT-VALUE})")
    int rooms;

    @Option(names = "--members", defaultValue = "5",
            description = "members per room; they seed and read (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--messages", defaultValue = "100",
            description = "messages seeded per room (default: ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--page", defaultValue = "50", description = "entries per page, 1-200 (default: ${DEFAULT-VALUE})")
    int page;

    @Option(names = "--rate", defaultValue = "100", description = "reads per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Mixin
    SettleOption settle;

    @Option(names = "--p99-target", defaultValue = "20", paramLabel = "MS",
            description = "p99 target in ms (default: ${DEFAULT-VALUE})")
    double p99TargetMs;

    @Override
    void validate(List<String> problems) {
        if (rooms < 1 || members < 1 || messages < 1 || page < 1 || page > 200 || !(rate > 0)) {
            problems.add("--rooms, --members, --messages and --rate must be positive, --page 1-200");
        }
        settle.validate(problems);
    }

    @Override
    void settings(Map<String, Object> settings) {
        settings.put("rooms", rooms);
        settings.put("members", members);
        settings.put("messagesPerRoom", messages);
        settings.put("page", page);
        settings.put("rate", rate);
        settings.put("settle", settle.limit().toString());
    }

    @Override
    void run(Api api, Report report, PrintStream out) throws Exception {
        try (Fleet fleet = users(api, rooms * members, out)) {
            Traffic traffic = new Traffic(fleet, runId, textSize);
            int firstRoom = Conversations.rooms(api, fleet, traffic, runId, 0, rooms, members,
                    platform.setupConcurrency, out);
            List<List<HistoryLoad.Reader>> byRoom = readers(fleet, traffic, firstRoom, rooms);
            HistoryLoad.seed(api, byRoom, messages, platform.setupConcurrency, out);
            Quiet.Outcome settled = settle.await(out);
            out.printf(Locale.ROOT, "History: %,.0f reads/s of %d entries: %s warm-up, %s measured%n", rate, page,
                    warmUp, duration);
            Map<String, Object> phase;
            try (MemoryWatch memory = new MemoryWatch(ServerSampler.of(platform))) {
                phase = HistoryLoad.run(api, interleave(byRoom), page, rate, warmUp, duration, platform.drain);
                memory.addTo(phase);
            }
            phase.put("settledBeforeReads", settled.describe());
            report.section("history reads", phase);
            checkHistory(report, phase, Math.min(page, messages) == page);
            long p99 = p99(phase, "latencyMicros");
            report.target(String.format(Locale.ROOT, "50-message pages at 500/s with p99 at most %.0f ms (%d-entry "
                            + "pages at %,.0f/s, p99 %s ms)", p99TargetMs, page, rate, Report.format(p99 / 1000.0)),
                    page >= 50 && rate >= 500 && p99 <= p99TargetMs * 1000);
        }
    }

    static void checkHistory(Report report, Map<String, Object> phase, boolean fullPagesExpected) {
        report.check("every read answered without an error (" + Report.format(phase.get("errors")) + ", "
                + phase.get("unanswered") + " unanswered)", ((Map<?, ?>) phase.get("errors")).isEmpty()
                && (long) phase.get("unanswered") == 0);
        if (fullPagesExpected) {
            report.check("every page full (" + phase.get("shortPages") + " short)",
                    (long) phase.get("shortPages") == 0);
        }
    }

    /** Each room's members as readers of that room. */
    static List<List<HistoryLoad.Reader>> readers(Fleet fleet, Traffic traffic, int firstRoom, int rooms) {
        List<List<HistoryLoad.Reader>> byRoom = new ArrayList<>();
        for (int room = firstRoom; room < firstRoom + rooms; room++) {
            Traffic.Conversation conversation = traffic.conversation(room);
            List<HistoryLoad.Reader> readers = new ArrayList<>();
            for (int member : conversation.members()) {
                readers.add(new HistoryLoad.Reader(fleet.users.get(member), conversation.id()));
            }
            byRoom.add(readers);
        }
        return byRoom;
    }

    /** Room 0's first reader, room 1's first reader, ..., room 0's second reader, ...: every read a different room. */
    static List<HistoryLoad.Reader> interleave(List<List<HistoryLoad.Reader>> byRoom) {
        List<HistoryLoad.Reader> readers = new ArrayList<>();
        int most = byRoom.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < most; i++) {
            for (List<HistoryLoad.Reader> room : byRoom) {
                if (i < room.size()) {
                    readers.add(room.get(i));
                }
            }
        }
        return readers;
    }
}
