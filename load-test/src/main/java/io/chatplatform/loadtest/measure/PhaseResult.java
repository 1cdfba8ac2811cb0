package io.chatplatform.loadtest.measure;

import java.time.Duration;
import java.util.Map;

/**
 * What one measured phase at one target rate produced.
 *
 * @param targetRate    sends per second the schedule asked for
 * @param measured      length of the measured phase (warm-up excluded)
 * @param scheduled     sends due in the measured phase
 * @param succeeded     sends of the measured phase that were acknowledged (stored)
 * @param completedInWindow acknowledgements that arrived inside the measured phase, whatever phase their send was
 *                      due in: the throughput the service actually sustained
 * @param errors        failed sends of the measured phase by gRPC status code
 * @param latency       due time to acknowledgement (includes any wait for the concurrency limit)
 * @param serviceTime   request written to acknowledgement
 * @param schedulerLag  how late the load generator started sends after their due time
 * @param cpu           CPU used during the measured phase, by this JVM and by the whole machine
 */
public record PhaseResult(
        double targetRate,
        Duration measured,
        long scheduled,
        long succeeded,
        long completedInWindow,
        Map<String, Long> errors,
        LatencySummary latency,
        LatencySummary serviceTime,
        LatencySummary schedulerLag,
        CpuMeter.Usage cpu) {

    public PhaseResult {
        errors = Map.copyOf(errors);
    }

    /** Acknowledged sends per second over the measured phase. */
    public double achievedRate() {
        double seconds = measured.toNanos() / 1e9;
        return seconds <= 0 ? 0 : completedInWindow / seconds;
    }

    /** This JVM's CPU time per acknowledged send in microseconds, or -1 when unknown. */
    public double cpuMicrosPerSend() {
        if (cpu.processCores() < 0 || completedInWindow == 0) {
            return -1;
        }
        return cpu.processCores() * measured.toNanos() / 1e3 / completedInWindow;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Whether the service kept up: no errors, at least 99% of the target rate acknowledged within the phase, and every
     * scheduled send acknowledged.
     */
    public boolean keptUp() {
        return errorCount() == 0 && succeeded == scheduled && achievedRate() >= 0.99 * targetRate;
    }
}
