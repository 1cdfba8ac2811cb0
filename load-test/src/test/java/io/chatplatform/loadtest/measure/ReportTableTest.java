package io.chatplatform.loadtest.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTableTest {

    private static final LatencySummary LATENCY = new LatencySummary(300_000, 1_234, 2_500, 12_345, 48_000, 1_500_000);

    @Test
    void aRowShowsTheFiguresInMilliseconds() {
        PhaseResult result = new PhaseResult(5000, Duration.ofSeconds(60), 300_000, 300_000, 299_940, Map.of(),
                LATENCY, new LatencySummary(300_000, 1_000, 2_000, 9_876, 40_000, 1_400_000), LatencySummary.EMPTY,
                new CpuMeter.Usage(1.5, 0.97));

        assertThat(ReportTable.markdown(List.of(result))).endsWith(
                "| 5,000 | 4,999 | 1.23 | 2.50 | 12.3 | 48.0 | 1,500 | 9.88 | 0 | yes | 300 | 97% |\n");
    }

    @Test
    void aPhaseWithErrorsOrTooFewAcknowledgementsDidNotKeepUp() {
        PhaseResult failed = new PhaseResult(7500, Duration.ofSeconds(10), 75_000, 74_990, 74_990,
                Map.of("DEADLINE_EXCEEDED", 7L, "NOT_SENT", 3L), LATENCY, LATENCY, LatencySummary.EMPTY,
                CpuMeter.Usage.UNKNOWN);
        PhaseResult slow = new PhaseResult(7500, Duration.ofSeconds(10), 75_000, 75_000, 70_000, Map.of(), LATENCY,
                LATENCY, LatencySummary.EMPTY, CpuMeter.Usage.UNKNOWN);

        assertThat(failed.keptUp()).isFalse();
        assertThat(slow.keptUp()).isFalse();
        assertThat(ReportTable.row(failed)).contains("| 10 (DEADLINE_EXCEEDED 7, NOT_SENT 3) | no | n/a | n/a |");
    }

    @Test
    void millisecondsGetFewerDecimalsAsTheyGrow() {
        assertThat(ReportTable.millis(870)).isEqualTo("0.87");
        assertThat(ReportTable.millis(19_960)).isEqualTo("20.0");
        assertThat(ReportTable.millis(2_345_678)).isEqualTo("2,346");
    }
}
