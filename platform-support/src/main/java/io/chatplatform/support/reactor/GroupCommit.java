package io.chatplatform.support.reactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Group commit: items that arrive while a write is in flight wait for it and then go together in the next one, up to
 * a batch limit. A lone item goes at once (no timer), so batching only happens under load, where it saves a round
 * trip per item. The write settles each of its items (each carries its caller's sink); if it fails instead, every item
 * of the batch is told the error.
 *
 * @param <T> one queued item
 */
public final class GroupCommit<T> {

    private final int maxBatch;
    private final Function<List<T>, Mono<Void>> write;
    private final BiConsumer<? super T, Throwable> fail;
    private final Queue<T> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    /**
     * @param maxBatch the most items one write takes
     * @param write    writes a batch and settles each of its items; completes when done
     * @param fail     tells one item of a batch whose write failed the error
     */
    public GroupCommit(int maxBatch, Function<List<T>, Mono<Void>> write, BiConsumer<? super T, Throwable> fail) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.write = write;
        this.fail = fail;
    }

    /** Queues the item and starts a write unless one is in flight. */
    public void add(T item) {
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
            Mono.defer(() -> write.apply(batch))
                    .onErrorResume(failure -> {
                        batch.forEach(item -> fail.accept(item, failure));
                        return Mono.empty();
                    })
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
