package io.chatplatform.loadtest.measure;

import org.HdrHistogram.Histogram;

/**
 * The percentiles a report shows, in microseconds.
 *
 * @param count how many values the histogram held
 */
public record LatencySummary(long count, long p50, long p90, long p99, long p999, long max) {

    /** An empty summary, for a phase with no successful sends. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

    /** Reads the percentiles of a histogram of microseconds. */
    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(micros.getTotalCount(),
                micros.getValueAtPercentile(50),
                micros.getValueAtPercentile(90),
                micros.getValueAtPercentile(99),
                micros.getValueAtPercentile(99.9),
                micros.getMaxValue());
    }
}
