package io.chatplatform.support.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A set read whole: when it answers, when it is read again, and what wins over it. */
class SetSnapshotTest {

    private static final Duration MAX_AGE = Duration.ofSeconds(1);
    private static final int MAX_SIZE = 1_000;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    /** Each read the set asked for, answered by the test when it completes the sink. */
    private final List<Sinks.One<Set<String>>> reads = new ArrayList<>();
    private final SetSnapshot blocked = new SetSnapshot("blocked users", limit -> {
        Sinks.One<Set<String>> read = Sinks.one();
        reads.add(read);
        return read.asMono();
    }, MAX_SIZE, MAX_AGE, now::get);

    @Test
    void manyUsersAreAnsweredByOneReadOfTheSet() {
        assertThat(blocked.contains("u1")).as("no set yet: the caller reads the user").isNull();
        assertThat(reads).hasSize(1);
        assertThat(blocked.contains("u2")).as("a read in flight is not started twice").isNull();
        assertThat(reads).hasSize(1);

        reads.get(0).tryEmitValue(Set.of("u7", "u9"));

        IntStream.range(0, 1_000).forEach(user -> assertThat(blocked.contains("u" + user))
                .isEqualTo(user == 7 || user == 9));
        assertThat(reads).hasSize(1);
    }

    @Test
    void theSetIsReadAgainHalfwayAndNotUsedPastItsAge() {
        answerRead(Set.of("u1"));
        now.addAndGet(MAX_AGE.toNanos() / 2 - 1);
        assertThat(blocked.contains("u1")).isTrue();
        assertThat(reads).hasSize(1);

        now.addAndGet(1);
        assertThat(blocked.contains("u1")).as("half the age: still answered, and read again").isTrue();
        assertThat(reads).hasSize(2);

        now.addAndGet(MAX_AGE.toNanos() / 2);
        assertThat(blocked.contains("u1")).as("the read has not come back and the set is too old").isNull();
        reads.get(1).tryEmitValue(Set.of());
        assertThat(blocked.contains("u1")).as("the newer set: unblocked").isFalse();
    }

    @Test
    void aFailedReadLeavesTheOldSetUntilItIsTooOldThenReadsAgain() {
        answerRead(Set.of("u1"));
        now.addAndGet(MAX_AGE.toNanos() / 2);
        assertThat(blocked.contains("u1")).isTrue();
        reads.get(1).tryEmitError(new IllegalStateException("MongoDB is down"));

        assertThat(blocked.contains("u1")).as("the previous set still serves").isTrue();
        assertThat(reads).as("the failed read is tried again at the next question").hasSize(3);
        now.addAndGet(MAX_AGE.toNanos() / 2);
        assertThat(blocked.contains("u1")).isNull();
    }

    @Test
    void aStatusStoredHereWinsOverASetReadBeforeItAndNotOverOneReadAfter() {
        answerRead(Set.of());
        now.addAndGet(10);
        blocked.record("u1", true);
        assertThat(blocked.contains("u1")).isTrue();

        // A read that started before the block was stored does not have it: the block stays.
        now.addAndGet(MAX_AGE.toNanos() / 2);
        blocked.contains("u2");
        now.addAndGet(10);
        blocked.record("u1", true);
        reads.get(1).tryEmitValue(Set.of());
        assertThat(blocked.contains("u1")).isTrue();

        // A read that started after the block was stored is the truth, here: unblocked meanwhile elsewhere.
        now.addAndGet(MAX_AGE.toNanos() / 2);
        blocked.contains("u2");
        reads.get(2).tryEmitValue(Set.of());
        assertThat(blocked.contains("u1")).isFalse();
    }

    @Test
    void aReadThatReplacesTheSetDuringAQuestionDoesNotHideAStatusStoredHere() {
        // The read answers at once, as a fast database can on another thread while the question is still answered.
        Set<String> database = ConcurrentHashMap.newKeySet();
        SetSnapshot quick = new SetSnapshot("blocked users", limit -> Mono.fromSupplier(() -> Set.copyOf(database)),
                MAX_SIZE, MAX_AGE, now::get);
        assertThat(quick.contains("u1")).as("no set yet").isNull();
        now.addAndGet(10);
        database.add("u1");
        quick.record("u1", true);
        assertThat(quick.contains("u1")).isTrue();

        // Half the age: this question starts the next read, which replaces the set and drops the stored status.
        now.addAndGet(MAX_AGE.toNanos() / 2);
        assertThat(quick.contains("u1")).as("answered from the stored status or the new set, never the old set")
                .isTrue();
        assertThat(quick.contains("u1")).isTrue();
    }

    @Test
    void tooManyBlockedUsersOrNoAgeMeanNoSet() {
        Set<String> many = new HashSet<>();
        IntStream.rangeClosed(0, MAX_SIZE).forEach(user -> many.add("u" + user));
        answerRead(many);
        assertThat(blocked.contains("u1")).isNull();

        List<Integer> asked = new ArrayList<>();
        SetSnapshot never = new SetSnapshot("blocked users", limit -> {
            asked.add(limit);
            return Mono.just(Set.of());
        }, MAX_SIZE, Duration.ZERO, now::get);
        assertThat(never.contains("u1")).isNull();
        assertThat(asked).isEmpty();
    }

    @Test
    void theWholeSetComesWithTheChangesStoredHereAndOnlyWhileFresh() {
        assertThat(blocked.ids()).as("no set yet").isNull();
        reads.get(0).tryEmitValue(Set.of("u1", "u2"));
        assertThat(blocked.ids()).containsExactlyInAnyOrder("u1", "u2");

        now.addAndGet(10);
        blocked.record("u3", true);
        blocked.record("u1", false);
        assertThat(blocked.ids()).containsExactlyInAnyOrder("u2", "u3");

        // Half the age: a read starts; one that started after the changes is the truth.
        now.addAndGet(MAX_AGE.toNanos() / 2);
        assertThat(blocked.ids()).containsExactlyInAnyOrder("u2", "u3");
        reads.get(1).tryEmitValue(Set.of("u1"));
        assertThat(blocked.ids()).containsExactly("u1");

        now.addAndGet(MAX_AGE.toNanos());
        assertThat(blocked.ids()).as("too old").isNull();
        assertThat(new SetSnapshot("blocked users", limit -> Mono.just(Set.of()), MAX_SIZE, Duration.ZERO, now::get)
                .ids()).as("no age: never a set").isNull();
    }

    /** Starts the first read and answers it. */
    private void answerRead(Set<String> ids) {
        assertThat(blocked.contains("anyone")).isNull();
        reads.get(reads.size() - 1).tryEmitValue(ids);
    }
}
