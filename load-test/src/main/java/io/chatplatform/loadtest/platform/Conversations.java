package io.chatplatform.loadtest.platform;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Creates the scenarios' conversations over REST, as their users would, and the workloads that send into them. */
final class Conversations {

    private Conversations() {
    }

    /**
     * One DM per pair of users {@code first + 2k, first + 2k + 1}; returns the index of the first DM in
     * {@code traffic}.
     */
    static int dms(Api api, Fleet fleet, Traffic traffic, int first, int pairs, int concurrency, PrintStream out) {
        long start = System.nanoTime();
        List<String> ids = Flux.range(0, pairs)
                .flatMapSequential(pair -> api.openDm(fleet.users.get(first + 2 * pair),
                        fleet.users.get(first + 2 * pair + 1).userId()), concurrency)
                .collectList()
                .block();
        int firstIndex = traffic.conversationCount();
        for (int pair = 0; pair < pairs; pair++) {
            traffic.add(new Traffic.Conversation(ids.get(pair), new int[] {first + 2 * pair, first + 2 * pair + 1}));
        }
        out.printf(Locale.ROOT, "Setup: %,d DMs opened in %.1f s%n", pairs, (System.nanoTime() - start) / 1e9);
        return firstIndex;
    }

    /**
     * {@code rooms} public rooms of {@code members} users each (users {@code first + room * members + m}): the first
     * member creates the room, the others join. Returns the index of the first room in {@code traffic}.
     */
    static int rooms(Api api, Fleet fleet, Traffic traffic, String runId, int first, int rooms, int members,
                     int concurrency, PrintStream out) {
        long start = System.nanoTime();
        List<String> ids = Flux.range(0, rooms)
                .flatMapSequential(room -> createAndFill(api, fleet, runId, first + room * members, members, room),
                        concurrency)
                .collectList()
                .block();
        int firstIndex = traffic.conversationCount();
        for (int room = 0; room < rooms; room++) {
            int[] memberIndexes = new int[members];
            for (int m = 0; m < members; m++) {
                memberIndexes[m] = first + room * members + m;
            }
            traffic.add(new Traffic.Conversation(ids.get(room), memberIndexes));
        }
        out.printf(Locale.ROOT, "Setup: %,d rooms of %,d members in %.1f s%n", rooms, members,
                (System.nanoTime() - start) / 1e9);
        return firstIndex;
    }

    private static Mono<String> createAndFill(Api api, Fleet fleet, String runId, int firstMember, int members,
                                              int room) {
        return api.createRoom(fleet.users.get(firstMember), "load " + runId + " " + room)
                .flatMap(id -> Flux.range(firstMember + 1, members - 1)
                        .concatMap(member -> api.join(fleet.users.get(member), id))
                        .then(Mono.just(id)));
    }

    /** Random DMs among {@code pairs} DMs from {@code firstDm}, in a random direction: one sender thread calls it. */
    static Traffic.Workload randomDms(Traffic traffic, int firstDm, int pairs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return sendIndex -> {
            int dm = firstDm + random.nextInt(pairs);
            int[] members = traffic.conversation(dm).members();
            return new Traffic.Pick(dm, members[random.nextInt(2)]);
        };
    }

    /** Room after room in turn, each room's members taking turns to send. */
    static Traffic.Workload roundRobinRooms(Traffic traffic, int firstRoom, int rooms) {
        return sendIndex -> {
            int room = firstRoom + (int) (sendIndex % rooms);
            int[] members = traffic.conversation(room).members();
            return new Traffic.Pick(room, members[(int) ((sendIndex / rooms) % members.length)]);
        };
    }
}
