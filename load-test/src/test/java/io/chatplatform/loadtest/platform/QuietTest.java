package io.chatplatform.loadtest.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the wait for a quiet machine ends, and what it reports. */
class QuietTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final List<Duration> asked = new ArrayList<>();

    @Test
    void endsAfterTwoQuietIntervalsInARow() throws InterruptedException {
        Quiet.Outcome outcome = Quiet.await(meter(1.6, 0.1, 0.9, 0.2, 0.1, 0.0), Duration.ofSeconds(60), SECOND);

        assertThat(outcome.quiet()).isTrue();
        assertThat(outcome.waited()).isEqualTo(Duration.ofSeconds(5));
        assertThat(outcome.busyCores()).isEqualTo(0.1);
        assertThat(asked).hasSize(5).containsOnly(SECOND);
        assertThat(outcome.describe()).isEqualTo("quiet after 5 s (other processes 0.10 cores)");
    }

    @Test
    void givesUpAtTheLimitAndSaysTheMachineIsStillBusy() throws InterruptedException {
        Quiet.Outcome outcome = Quiet.await(meter(1.0, 0.1, 1.2, 0.1, 0.8, 0.0, 0.0),
                Duration.ofSeconds(3), SECOND);

        assertThat(outcome.quiet()).isFalse();
        assertThat(outcome.waited()).isEqualTo(Duration.ofSeconds(3));
        assertThat(outcome.describe()).isEqualTo("still busy after 3 s (other processes 1.20 cores)");
    }

    @Test
    void zeroDoesNotWaitAndAnUnknownMachineEndsTheWait() throws InterruptedException {
        Quiet.Outcome skipped = Quiet.await(meter(1.0), Duration.ZERO, SECOND);
        assertThat(asked).isEmpty();
        assertThat(skipped.quiet()).isFalse();
        assertThat(skipped.describe()).isEqualTo("not waited (--settle 0s)");

        Quiet.Outcome unknown = Quiet.await(meter(-1, 0.0, 0.0), Duration.ofSeconds(60), SECOND);
        assertThat(asked).hasSize(1);
        assertThat(unknown.describe()).isEqualTo("not measured (no /proc/stat)");
    }

    /** A machine whose other processes keep these cores busy, one interval after another. */
    private Quiet.Meter meter(double... cores) {
        Iterator<Double> next = Arrays.stream(cores).boxed().iterator();
        return interval -> {
            asked.add(interval);
            return next.next();
        };
    }
}
