package io.chatplatform.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class ConversationAppendQueueTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ConversationAppendQueue queue = new ConversationAppendQueue();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<String> results = new CopyOnWriteArrayList<>();

    @Test
    void appendsToOneConversationRunOneAtATimeInArrivalOrder() {
        Sinks.One<String> first = Sinks.one();
        Sinks.One<String> second = Sinks.one();

        subscribe(queue.inTurn("room", append("first", first)));
        subscribe(queue.inTurn("room", append("second", second)));
        subscribe(queue.inTurn("room", Mono.fromSupplier(() -> record("third"))));

        assertThat(started).containsExactly("first");
        first.tryEmitValue("first done");
        await().atMost(TIMEOUT).until(() -> started.size() == 2);
        assertThat(started).containsExactly("first", "second");
        second.tryEmitValue("second done");
        await().atMost(TIMEOUT).until(() -> results.size() == 3);
        assertThat(results).containsExactly("first done", "second done", "third");
    }

    @Test
    void otherConversationsDoNotWait() {
        subscribe(queue.inTurn("room", append("busy", Sinks.one())));

        subscribe(queue.inTurn("other room", Mono.fromSupplier(() -> record("other"))));

        assertThat(results).containsExactly("other");
    }

    @Test
    void aFailedAppendHandsTheTurnOn() {
        Sinks.One<String> failing = Sinks.one();
        subscribe(queue.inTurn("room", append("failing", failing)));
        subscribe(queue.inTurn("room", Mono.fromSupplier(() -> record("next"))));

        failing.tryEmitError(new IllegalStateException("insert failed"));

        await().atMost(TIMEOUT).until(() -> results.contains("next"));
        assertThat(results).containsExactly("error insert failed", "next");
    }

    @Test
    void aWaiterThatGivesUpDoesNotLetTheNextOneOvertakeTheRunningAppend() {
        Sinks.One<String> running = Sinks.one();
        subscribe(queue.inTurn("room", append("running", running)));
        Disposable givesUp = subscribe(queue.inTurn("room", Mono.fromSupplier(() -> record("gave up"))));
        subscribe(queue.inTurn("room", Mono.fromSupplier(() -> record("after"))));

        givesUp.dispose();

        assertThat(results).isEmpty();
        running.tryEmitValue("running done");
        await().atMost(TIMEOUT).until(() -> results.contains("after"));
        assertThat(results).containsExactly("running done", "after");
    }

    @Test
    void aLongQueueOfAppendsThatFinishAtOnceDoesNotNest() {
        Sinks.One<String> first = Sinks.one();
        subscribe(queue.inTurn("room", append("first", first)));
        int queued = 20_000;
        for (int i = 0; i < queued; i++) {
            subscribe(queue.inTurn("room", Mono.error(new IllegalStateException("closed"))));
        }

        first.tryEmitValue("first done");

        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == queued + 1);
        assertThat(results.subList(1, results.size())).containsOnly("error closed");
    }

    private Mono<String> append(String name, Sinks.One<String> completion) {
        return Mono.defer(() -> {
            started.add(name);
            return completion.asMono();
        });
    }

    private String record(String name) {
        started.add(name);
        return name;
    }

    private Disposable subscribe(Mono<String> append) {
        return append.subscribe(results::add, error -> results.add("error " + error.getMessage()));
    }
}
