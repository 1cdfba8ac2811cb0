package io.chatplatform.support.reactor;

import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Handles a stream's items in a fixed number of lanes by key: the items of one key one at a time, in the order they
 * came; the lanes side by side. For work whose order matters per key (a user's presence changes, a conversation's
 * Kafka records) and whose time goes to waiting on round trips, so that one slow item holds back only its own lane.
 */
public final class KeyLanes {

    private KeyLanes() {
    }

    /**
     * @param lanes how many items are handled at once at most; 1 handles every item in order, one at a time
     * @return what {@code handle} emits for each item, lane by lane as each finishes
     */
    public static <T, R> Flux<R> inLanes(Flux<T> items, Function<? super T, ?> keyOf, int lanes,
                                         Function<? super T, ? extends Publisher<? extends R>> handle) {
        if (lanes == 1) {
            return items.concatMap(handle);
        }
        return items
                .groupBy(item -> laneOf(keyOf.apply(item), lanes))
                // As many at once as there are lanes: each lane is drained, none waits for another to end.
                .flatMap(lane -> lane.concatMap(handle), lanes);
    }

    /** The lane of a key (null has one too). */
    public static int laneOf(Object key, int lanes) {
        return Math.floorMod(Objects.hashCode(key), lanes);
    }
}
