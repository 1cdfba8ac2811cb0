package io.chatplatform.chat.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Group commit: items that arrive while a write is in flight wait for it and then go together in the next one, up to
 * a batch limit. A lone item goes at once (no timer), so batching only happens under load, where it saves a round
 * trip per item. The write settles each item itself (each carries its caller's sink) and must not fail: it reports
 * failures to the items.
 *
 * @param <T> one queued item
 */
final class GroupCommit<T> {

    private final int maxBatch;
    private final Function<List<T>, Mono<Void>> write;
    private final Queue<T> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    GroupCommit(int maxBatch, Function<List<T>, Mono<Void>> write) {
        this.maxBatch = maxBatch;
        this.write = write;
    }

    /** Queues the item and starts a write unless one is in flight. */
    void add(T item) {
        queued.add(item);
        writeNext();
    }

    /** Starts a write of everything queued unless one is in flight; the one in flight starts the next when done. */
    private void writeNext() {
        while (!queued.isEmpty() && writing.compareAndSet(false, true)) {
            List<T> batch = takeQueued();
            if (batch.isEmpty()) {
                writing.set(false);
                continue;
            }
            write.apply(batch)
                    .doFinally(signal -> {
                        writing.set(false);
                        writeNext();
                    })
                    .subscribe();
            return;
        }
    }

    private List<T> takeQueued() {
        List<T> batch = new ArrayList<>();
        T next;
        while (batch.size() < maxBatch && (next = queued.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }
}
