package io.chatplatform.loadtest.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void readsTheAggregateCpuLineOfProcStat() {
        assertThat(CpuMeter.parseCpuLine("cpu  100 5 50 800 20 1 2 3 0 0"))
                .containsExactly(100, 5, 50, 800, 20, 1, 2, 3);
        assertThat(CpuMeter.parseCpuLine("cpu0 1 2 3 4 5 6")).isEmpty();
    }

    @Test
    void busyIsEverythingButIdleAndIowait() {
        long[] start = {100, 0, 50, 800, 50, 0, 0, 0};
        long[] end = {250, 0, 100, 900, 50, 0, 0, 0};

        // 200 busy ticks out of 300.
        assertThat(CpuMeter.machineBusy(start, end)).isEqualTo(200 / 300d);
        assertThat(CpuMeter.machineBusy(new long[0], end)).isEqualTo(-1);
    }
}
