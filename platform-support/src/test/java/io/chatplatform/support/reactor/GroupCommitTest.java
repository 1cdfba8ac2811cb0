package io.chatplatform.support.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class GroupCommitTest {

    /** Writes record their batches and finish only when the test says so. */
    private final List<List<Integer>> written = new CopyOnWriteArrayList<>();
    private final List<Sinks.Empty<Void>> inFlight = new CopyOnWriteArrayList<>();
    /** Items told that their batch's write failed. */
    private final List<Integer> failed = new CopyOnWriteArrayList<>();

    private Mono<Void> write(List<Integer> batch) {
        written.add(List.copyOf(batch));
        Sinks.Empty<Void> done = Sinks.empty();
        inFlight.add(done);
        return done.asMono();
    }

    private void failed(Integer item, Throwable failure) {
        assertThat(failure).hasMessage("down");
        failed.add(item);
    }

    private void finishWrite(int index) {
        inFlight.get(index).tryEmitEmpty();
    }

    @Test
    void aLoneItemIsWrittenAtOnce() {
        GroupCommit<Integer> commit = new GroupCommit<>(10, this::write, this::failed);

        commit.add(1);

        assertThat(written).containsExactly(List.of(1));
    }

    @Test
    void itemsThatArriveDuringAWriteGoTogetherInTheNextOne() {
        GroupCommit<Integer> commit = new GroupCommit<>(10, this::write, this::failed);
        commit.add(1);
        commit.add(2);
        commit.add(3);
        commit.add(4);
        assertThat(written).as("the first write is still in flight").containsExactly(List.of(1));

        finishWrite(0);

        assertThat(written).containsExactly(List.of(1), List.of(2, 3, 4));
        finishWrite(1);
        commit.add(5);
        assertThat(written).containsExactly(List.of(1), List.of(2, 3, 4), List.of(5));
    }

    @Test
    void aWriteTakesAtMostTheBatchLimitAndTheRestFollow() {
        GroupCommit<Integer> commit = new GroupCommit<>(2, this::write, this::failed);
        for (int i = 1; i <= 6; i++) {
            commit.add(i);
        }

        finishWrite(0);
        finishWrite(1);
        finishWrite(2);

        assertThat(written).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5), List.of(6));
    }

    @Test
    void aFailedWriteIsToldToItsItemsAndDoesNotStopTheNext() {
        GroupCommit<Integer> commit = new GroupCommit<>(10, batch -> {
            written.add(List.copyOf(batch));
            return batch.contains(1) ? Mono.error(new IllegalStateException("down")) : Mono.empty();
        }, this::failed);

        commit.add(1);
        commit.add(2);

        assertThat(written).containsExactly(List.of(1), List.of(2));
        assertThat(failed).as("the failed batch's item is told, the next one not").containsExactly(1);
    }

    @Test
    void theBatchLimitIsAtLeastOne() {
        assertThatThrownBy(() -> new GroupCommit<Integer>(0, batch -> Mono.empty(), this::failed))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
