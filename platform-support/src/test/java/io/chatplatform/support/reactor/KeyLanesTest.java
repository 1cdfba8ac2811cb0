package io.chatplatform.support.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** One key's items in order, one at a time; keys of other lanes not held up behind them. */
class KeyLanesTest {

    private static final int LANES = 16;

    /** A change: whose, and which of theirs. */
    private record Change(String userId, int n) {
    }

    private final List<Change> started = new CopyOnWriteArrayList<>();
    /** ann's changes finish when the test says; everyone else's at once. */
    private final Sinks.Empty<Void> annFirstDone = Sinks.empty();

    @Test
    void aSlowChangeHoldsBackOnlyItsOwnLane() {
        Sinks.Many<Change> changes = Sinks.many().unicast().onBackpressureBuffer();
        Disposable lanes = KeyLanes.inLanes(changes.asFlux(), Change::userId, LANES, this::handle).subscribe();
        try {
            List<String> otherLanes = IntStream.range(0, 400).mapToObj(n -> "user-" + n)
                    .filter(user -> lane(user) != lane("ann")).limit(50).toList();
            String annsLaneMate = IntStream.range(0, 400).mapToObj(n -> "mate-" + n)
                    .filter(user -> lane(user) == lane("ann")).findFirst().orElseThrow();
            Change ann1 = new Change("ann", 1);
            Change ann2 = new Change("ann", 2);
            Change mate = new Change(annsLaneMate, 1);
            changes.tryEmitNext(ann1);
            changes.tryEmitNext(ann2);
            changes.tryEmitNext(mate);
            otherLanes.forEach(user -> changes.tryEmitNext(new Change(user, 1)));

            assertThat(started).contains(ann1).doesNotContain(ann2, mate).hasSize(1 + otherLanes.size());

            annFirstDone.tryEmitEmpty();
            assertThat(started).hasSize(3 + otherLanes.size()).endsWith(ann2, mate);
        } finally {
            lanes.dispose();
        }
    }

    private static int lane(String userId) {
        return KeyLanes.laneOf(userId, LANES);
    }

    private Mono<Void> handle(Change change) {
        started.add(change);
        return change.userId().equals("ann") && change.n() == 1 ? annFirstDone.asMono() : Mono.empty();
    }
}
