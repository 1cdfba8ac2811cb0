package io.chatplatform.loadtest.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    private static final long START = 1_000_000_000L;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void sendsAreDueAtFixedIntervalsFromTheStart() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(START, 4000);

        assertThat(schedule.intendedTime(0)).isEqualTo(START);
        assertThat(schedule.intendedTime(1)).isEqualTo(START + 250_000);
        assertThat(schedule.intendedTime(4000)).isEqualTo(START + SECOND);
    }

    @Test
    void aPhaseHoldsRateTimesDurationSends() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(START, 5000);

        assertThat(schedule.countBefore(START)).isZero();
        assertThat(schedule.countBefore(START + 60 * SECOND)).isEqualTo(300_000);
        // A send due exactly at the end belongs to the next phase.
        assertThat(schedule.countBefore(schedule.intendedTime(10) + 1)).isEqualTo(11);
        assertThat(schedule.countBefore(schedule.intendedTime(10))).isEqualTo(10);
    }

    @Test
    void countBeforeAgreesWithIntendedTimesAtAwkwardRates() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(START, 7, SECOND / 3);

        for (long end = START; end < START + 3 * SECOND; end += 12_345_678) {
            long count = schedule.countBefore(end);
            if (count > 0) {
                assertThat(schedule.intendedTime(count - 1)).isLessThan(end);
            }
            assertThat(schedule.intendedTime(count)).isGreaterThanOrEqualTo(end);
        }
    }

    @Test
    void theRampClimbsToTheRateAndThenHoldsIt() {
        // 1000/s reached after 2 s: 1000 sends during the ramp (half of 2 s at full rate), then 1000 per second.
        OpenLoopSchedule schedule = new OpenLoopSchedule(START, 1000, 2 * SECOND);

        assertThat(schedule.countBefore(START + SECOND)).isEqualTo(250);
        assertThat(schedule.countBefore(START + 2 * SECOND)).isEqualTo(1000);
        assertThat(schedule.countBefore(START + 3 * SECOND)).isEqualTo(2000);
        long lateGap = schedule.intendedTime(1001) - schedule.intendedTime(1000);
        long earlyGap = schedule.intendedTime(2) - schedule.intendedTime(1);
        assertThat(lateGap).isEqualTo(1_000_000);
        assertThat(earlyGap).isGreaterThan(lateGap);
    }

    @Test
    void dueTimesNeverGoBackwards() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(START, 2500, SECOND);

        for (long i = 1; i < 10_000; i++) {
            assertThat(schedule.intendedTime(i)).isGreaterThanOrEqualTo(schedule.intendedTime(i - 1));
        }
    }

    @Test
    void refusesRatesThatAreNotPositive() {
        assertThatThrownBy(() -> new OpenLoopSchedule(START, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenLoopSchedule(START, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenLoopSchedule(START, 10, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
