package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.measure.CpuMeter;
import java.time.Duration;
import java.util.Locale;

/**
 * Waits until this machine is quiet, apart from the load generator itself: before a measurement, so that it does not
 * also measure the platform digesting what the setup sent. Seeding history, for one, stores thousands of messages
 * faster than moderation-service and notification-service take them in; until they have caught up the platform's
 * collector runs several times as often, and the reads measured meanwhile show those pauses rather than the reads.
 *
 * <p>Quiet means the other processes kept fewer than {@link #QUIET_CORES} cores busy for {@link #QUIET_INTERVALS}
 * one-second intervals in a row. A platform on another machine is not seen: the wait then ends at once.
 */
final class Quiet {

    static final double QUIET_CORES = 0.25;
    static final int QUIET_INTERVALS = 2;
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** Cores the other processes of the machine kept busy over the next interval, or negative when unknown. */
    @FunctionalInterface
    interface Meter {
        double othersBusyCores(Duration interval) throws InterruptedException;
    }

    /**
     * How the wait ended.
     *
     * @param quiet     the machine went quiet
     * @param waited    time spent waiting
     * @param busyCores the other processes' cores in the last interval, negative when unknown
     */
    record Outcome(boolean quiet, Duration waited, double busyCores) {

        String describe() {
            if (waited.isZero()) {
                return "not waited (--settle 0s)";
            }
            if (busyCores < 0) {
                return "not measured (no /proc/stat)";
            }
            return String.format(Locale.ROOT, "%s after %.0f s (other processes %.2f cores)",
                    quiet ? "quiet" : "still busy", waited.toMillis() / 1000.0, busyCores);
        }
    }

    private Quiet() {
    }

    /** Waits for quiet with this machine's {@code /proc/stat}, at most {@code max}; zero does not wait. */
    static Outcome await(Duration max) throws InterruptedException {
        return await(Quiet::machineOthers, max, INTERVAL);
    }

    static Outcome await(Meter meter, Duration max, Duration interval) throws InterruptedException {
        if (max.isZero()) {
            return new Outcome(false, Duration.ZERO, -1);
        }
        Duration waited = Duration.ZERO;
        int quietInARow = 0;
        while (true) {
            double busy = meter.othersBusyCores(interval);
            waited = waited.plus(interval);
            if (busy < 0) {
                return new Outcome(false, waited, busy);
            }
            quietInARow = busy < QUIET_CORES ? quietInARow + 1 : 0;
            if (quietInARow >= QUIET_INTERVALS || waited.compareTo(max) >= 0) {
                return new Outcome(quietInARow >= QUIET_INTERVALS, waited, busy);
            }
        }
    }

    private static double machineOthers(Duration interval) throws InterruptedException {
        CpuMeter.Reading start = CpuMeter.read();
        // Called from the scenario's own thread between setup and load, never from an event loop: nothing else runs
        // on it while it waits, so a plain sleep is the simplest way to measure one interval.
        Thread.sleep(interval.toMillis());
        CpuMeter.Usage usage = CpuMeter.since(start);
        int cores = CpuMeter.machineCores();
        if (usage.machineBusy() < 0 || cores <= 0) {
            return -1;
        }
        return Math.max(0, usage.machineBusy() * cores - Math.max(0, usage.processCores()));
    }
}
