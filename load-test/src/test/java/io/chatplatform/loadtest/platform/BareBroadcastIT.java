package io.chatplatform.loadtest.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.measure.LatencySummary;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The load client, the traffic bookkeeping and the fan-out baseline against the bare broadcast server over real
 * sockets bound to several 127.0.0.x source addresses: every delivery counted once, latencies recorded, and a member
 * who never receives a room's messages counted as losses.
 */
class BareBroadcastIT {

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    private final PlatformOptions options = CommandLine.populateCommand(new PlatformOptions(),
            "--source-addresses", "3", "--drain", "3s", "--baseline-step", "500ms", "--baseline-steps", "3");

    @Test
    void theBaselineDeliversEveryMessageToEveryOtherMemberOnceAndFindsItsHighestRate() throws Exception {
        List<Map<String, Object>> sections = Baselines.broadcast(options, 3, 4, 40, Duration.ofMillis(500),
                Duration.ofSeconds(1), 20, QUIET);

        Map<String, Object> sameRate = sections.get(0);
        assertThat((long) sameRate.get("sent")).isGreaterThan(30);
        assertThat(sameRate.get("expectedDeliveries")).isEqualTo((long) sameRate.get("sent") * 3);
        assertThat(sameRate.get("deliveries")).isEqualTo(sameRate.get("expectedDeliveries"));
        assertThat(sameRate.get("lostDeliveries")).isEqualTo(0L);
        assertThat(sameRate.get("duplicateDeliveries")).isEqualTo(0L);
        assertThat(((LatencySummary) sameRate.get("deliveryLatencyMicros")).count()).isPositive();
        assertThat(sameRate.get("connectionsClosedByServer")).isEqualTo(0L);

        Map<String, Object> max = sections.get(1);
        assertThat((double) max.get("targetSendsPerSecond")).as("at least the first doubling kept up")
                .isGreaterThanOrEqualTo(80);
        assertThat((double) max.get("deliveriesPerSecond")).isGreaterThan(80 * 3 * 0.9);
    }

    @Test
    void aMemberWhoReceivesNothingCountsAsLost() throws Exception {
        // Four members of room-0 by the load's account, but the last one's connection joins room-1 on the server.
        try (BareBroadcastServer server = BareBroadcastServer.start("127.0.0.1");
             Fleet fleet = Fleet.of(users(4, 3))) {
            Traffic traffic = roomZero(server, fleet);
            // Only members 0..2 send: the fourth member's connection should get every message and gets none.
            Map<String, Object> figures = traffic.finish(traffic.start("lossy", 50, Duration.ZERO,
                    Duration.ofSeconds(1), index -> new Traffic.Pick(0, (int) (index % 3))), Duration.ofSeconds(1),
                    Duration.ofSeconds(30));

            long sent = (long) figures.get("sent");
            assertThat(figures.get("expectedDeliveries")).isEqualTo(sent * 3);
            assertThat(figures.get("lostDeliveries")).isEqualTo(sent);
            assertThat(figures.get("lateDeliveries")).isEqualTo(0L);
            assertThat(figures.get("deliveries")).isEqualTo(sent * 2);
        }
    }

    @Test
    void deliveriesThatArriveAfterTheDrainCountAsLateNotLost() throws Exception {
        // Every frame is passed on 3 s late: the tool stops draining 1 s after the last send, before any arrives.
        try (BareBroadcastServer server = BareBroadcastServer.startDelayed("127.0.0.1", Duration.ofSeconds(3));
             Fleet fleet = Fleet.of(users(3, 3))) {
            Traffic traffic = roomZero(server, fleet);
            long started = System.nanoTime();
            Map<String, Object> figures = traffic.finish(traffic.start("behind", 20, Duration.ZERO,
                    Duration.ofSeconds(1), index -> new Traffic.Pick(0, (int) (index % 3))), Duration.ofSeconds(1),
                    Duration.ofSeconds(30));

            long sent = (long) figures.get("sent");
            assertThat(sent).isPositive();
            assertThat(figures.get("lateDeliveries")).isEqualTo(sent * 2);
            assertThat(figures.get("lostDeliveries")).isEqualTo(0L);
            assertThat(figures.get("deliveries")).isEqualTo(sent * 2);
            assertThat(((LatencySummary) figures.get("deliveryLatencyMicros")).p50())
                    .as("their latency counts the 3 s").isGreaterThanOrEqualTo(3_000_000L);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("done once all arrived, not at the cap")
                    .isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void theLateWaitEndsWhenNothingMoreArrives() throws Exception {
        // Same as a member who receives nothing: the wait after the drain gives up once no delivery has arrived for
        // Traffic.LATE_QUIET, not after the whole --late-wait.
        try (BareBroadcastServer server = BareBroadcastServer.start("127.0.0.1");
             Fleet fleet = Fleet.of(users(3, 2))) {
            Traffic traffic = roomZero(server, fleet);
            Traffic.Phase phase = traffic.start("stuck", 20, Duration.ZERO, Duration.ofMillis(500),
                    index -> new Traffic.Pick(0, (int) (index % 2)));
            long started = System.nanoTime();
            Map<String, Object> figures = traffic.finish(phase, Duration.ofSeconds(1), Duration.ofMinutes(5));

            assertThat((long) figures.get("lostDeliveries")).isPositive();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(
                    Traffic.LATE_QUIET, Traffic.LATE_QUIET.plusSeconds(10));
        }
    }

    /** {@code count} users, of whom the first {@code inRoomZero} join room-0 on the server and the others room-1. */
    private static List<Api.Session> users(int count, int inRoomZero) {
        List<Api.Session> users = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            users.add(new Api.Session("u" + m, "u" + m, m < inRoomZero ? "room-0" : "room-1"));
        }
        return users;
    }

    /** Traffic in which every user of the fleet is a member of room-0, each connected once to the server. */
    private Traffic roomZero(BareBroadcastServer server, Fleet fleet) {
        int members = fleet.users.size();
        Traffic traffic = new Traffic(fleet, "t", 10, true);
        traffic.add(new Traffic.Conversation("room-0", IntStream.range(0, members).toArray()));
        Fleet.ConnectResult connected = fleet.connect(options, URI.create("ws://127.0.0.1:" + server.port() + "/ws"),
                members, traffic, QUIET);
        assertThat(connected.opened()).isEqualTo(members);
        return traffic;
    }

    @Test
    void theRoomIsReadFromTheAuthFramesToken() {
        assertThat(BareBroadcastServer.roomOf("{\"type\":\"auth\",\"token\":\"room-7\"}")).isEqualTo("room-7");
        assertThat(BareBroadcastServer.roomOf("{\"type\":\"auth\"}")).isEmpty();
    }
}
