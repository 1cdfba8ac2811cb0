package io.chatplatform.loadtest.measure;

/**
 * When each send is due in an open model: at a fixed rate, whatever happened to the earlier sends. Latency measured
 * from these due times includes any wait a slow server caused the load generator itself, so a stall is not hidden
 * by sends that were simply never made (coordinated omission).
 *
 * <p>The rate may ramp up linearly from zero over a first stretch, so that a cold JVM (JIT, connection pools) is
 * not hit with the full rate in its first second; after the ramp the rate is constant.
 */
public final class OpenLoopSchedule {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final long startNanos;
    private final double ratePerSecond;
    private final long rampNanos;
    /** Sends due during the ramp: the area under the rate's line, rate * ramp / 2. */
    private final double rampSends;

    /**
     * @param startNanos    the schedule's start on the {@link System#nanoTime()} clock
     * @param ratePerSecond sends per second after the ramp, greater than 0
     * @param rampNanos     how long the rate takes to climb from 0 to {@code ratePerSecond}; 0 for no ramp
     */
    public OpenLoopSchedule(long startNanos, double ratePerSecond, long rampNanos) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number, was " + ratePerSecond);
        }
        if (rampNanos < 0) {
            throw new IllegalArgumentException("ramp must not be negative");
        }
        this.startNanos = startNanos;
        this.ratePerSecond = ratePerSecond;
        this.rampNanos = rampNanos;
        this.rampSends = ratePerSecond * (rampNanos / NANOS_PER_SECOND) / 2;
    }

    /** A constant rate from the start. */
    public OpenLoopSchedule(long startNanos, double ratePerSecond) {
        this(startNanos, ratePerSecond, 0);
    }

    /** The due time of send {@code index} (0-based). */
    public long intendedTime(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
        double seconds;
        if (index < rampSends) {
            // sends(t) = rate * t^2 / (2 * ramp) during the ramp, so t = sqrt(2 * ramp * index / rate).
            seconds = Math.sqrt(2 * (rampNanos / NANOS_PER_SECOND) * index / ratePerSecond);
        } else {
            seconds = rampNanos / NANOS_PER_SECOND + (index - rampSends) / ratePerSecond;
        }
        return startNanos + Math.round(seconds * NANOS_PER_SECOND);
    }

    /** How many sends are due before {@code endNanos} (exclusive): the size of a phase that ends there. */
    public long countBefore(long endNanos) {
        if (endNanos <= startNanos) {
            return 0;
        }
        double seconds = (endNanos - startNanos) / NANOS_PER_SECOND;
        double rampSeconds = rampNanos / NANOS_PER_SECOND;
        double estimate = seconds < rampSeconds
                ? ratePerSecond * seconds * seconds / (2 * rampSeconds)
                : rampSends + (seconds - rampSeconds) * ratePerSecond;
        long count = (long) Math.ceil(estimate);
        // Rounding in intendedTime can move the boundary by one either way; settle it exactly.
        while (count > 0 && intendedTime(count - 1) >= endNanos) {
            count--;
        }
        while (intendedTime(count) < endNanos) {
            count++;
        }
        return count;
    }

    public long startNanos() {
        return startNanos;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }
}
