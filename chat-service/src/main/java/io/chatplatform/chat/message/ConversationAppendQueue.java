package io.chatplatform.chat.message;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Lets one append per conversation run at a time in this instance; the others wait their turn, asynchronously.
 *
 * <p>Without it, concurrent sends into one busy conversation all try the same next seq, all but one are refused by
 * the unique index, and the losers retry: quadratic work, and under overload a retry storm that never drains. In
 * turn, each append finds its seq free at the first try. Correctness never depends on this queue: another instance
 * still races for seqs, and the unique index still decides.
 */
final class ConversationAppendQueue {

    /** Per conversation, completes when the last append queued so far has finished; absent when none is queued. */
    private final ConcurrentMap<String, Mono<Void>> tails = new ConcurrentHashMap<>();

    /** Runs {@code append} after every append queued before it for the same conversation. */
    <T> Mono<T> inTurn(String conversationId, Mono<T> append) {
        return Mono.defer(() -> {
            Sinks.Empty<Void> finished = Sinks.empty();
            Mono<Void> mine = finished.asMono();
            Mono<Void> previous = tails.put(conversationId, mine);
            Mono<Void> turn = previous == null ? Mono.empty() : previous;
            return turn.then(append)
                    .doFinally(signal -> {
                        boolean someoneWaits = !tails.remove(conversationId, mine);
                        // Cancelled while still waiting (a gRPC deadline): the next one waits for the one before.
                        Mono<Void> done = signal == SignalType.CANCEL ? turn : Mono.empty();
                        done.doFinally(ignored -> handOver(finished, someoneWaits))
                                .subscribe();
                    });
        });
    }

    /**
     * Starts the next append. It starts on another thread when one is waiting, so that a queue of appends that each
     * complete at once (a closed connection failing them all) runs one after another instead of nesting on one stack.
     */
    private static void handOver(Sinks.Empty<Void> finished, boolean someoneWaits) {
        if (someoneWaits) {
            Schedulers.parallel().schedule(finished::tryEmitEmpty);
        } else {
            finished.tryEmitEmpty();
        }
    }
}
