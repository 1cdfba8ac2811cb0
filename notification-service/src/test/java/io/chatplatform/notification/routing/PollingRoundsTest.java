package io.chatplatform.notification.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Stopping the rounds of due notifications: the running round finishes its sends, and no new round starts. */
class PollingRoundsTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger rounds = new AtomicInteger();
    private final CountDownLatch firstStarted = new CountDownLatch(1);

    /** Each round "sends" for a moment, then records the send as done, like a push and its pushDone. */
    private final PollingRounds polling = new PollingRounds(Duration.ofMillis(20), Duration.ofSeconds(5),
            () -> Mono.defer(() -> {
                int round = rounds.incrementAndGet();
                events.add("started " + round);
                firstStarted.countDown();
                return Mono.delay(Duration.ofMillis(300))
                        .then(Mono.fromRunnable(() -> events.add("done " + round)));
            }));

    @Test
    void stoppingLetsTheRunningRoundFinishAndStartsNoOther() throws Exception {
        polling.start();
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        CountDownLatch stopped = new CountDownLatch(1);

        polling.stop(stopped::countDown);

        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(events).as("the running round finished, no other started").containsExactly("started 1", "done 1");
        // Several poll intervals pass without a new round.
        org.awaitility.Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(() -> events.size() == 2);
    }

    @Test
    void aRoundThatOutlastsTheDrainTimeoutIsCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        PollingRounds stuck = new PollingRounds(Duration.ofMillis(20), Duration.ofMillis(200),
                () -> Mono.fromRunnable(started::countDown).then(Mono.never()));
        stuck.start();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        CountDownLatch stopped = new CountDownLatch(1);

        stuck.stop(stopped::countDown);

        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theRoundsStartAgainAfterAStop() throws Exception {
        polling.start();
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        CountDownLatch stopped = new CountDownLatch(1);
        polling.stop(stopped::countDown);
        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        int before = rounds.get();

        polling.start();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() > before);
        CountDownLatch stoppedAgain = new CountDownLatch(1);
        polling.stop(stoppedAgain::countDown);
        assertThat(stoppedAgain.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
