package io.chatplatform.loadtest.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CPU used between two readings: by this JVM (the load generator, and in-process also chat-service and the embedded
 * infrastructure except redis-server), and by the whole machine, from {@code /proc/stat} where there is one. The
 * machine figure shows whether something else competed for the cores during a measurement.
 */
public final class CpuMeter {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** Counted once: the cores do not change while the tool runs. */
    private static final int MACHINE_CORES = countCores();

    /** One reading; see {@link #since(Reading)}. */
    public record Reading(long wallNanos, long processCpuNanos, long[] machineTicks) {
    }

    /**
     * What happened between two readings.
     *
     * @param processCores  average cores this JVM kept busy
     * @param machineBusy   fraction of all cores busy machine-wide, or -1 when unknown
     */
    public record Usage(double processCores, double machineBusy) {

        /** Nothing measured. */
        public static final Usage UNKNOWN = new Usage(-1, -1);
    }

    private CpuMeter() {
    }

    public static Reading read() {
        return new Reading(System.nanoTime(), processCpuNanos(), machineTicks());
    }

    /** Usage from {@code start} until now. */
    public static Usage since(Reading start) {
        Reading end = read();
        long wall = end.wallNanos() - start.wallNanos();
        double processCores = wall <= 0 || start.processCpuNanos() < 0 || end.processCpuNanos() < 0
                ? -1 : (end.processCpuNanos() - start.processCpuNanos()) / (double) wall;
        return new Usage(processCores, machineBusy(start.machineTicks(), end.machineTicks()));
    }

    /** The machine's cores as {@code /proc/stat} counts them ({@code cpu0}, {@code cpu1}, ...), or -1. */
    public static int machineCores() {
        return MACHINE_CORES;
    }

    private static int countCores() {
        try {
            return (int) Files.readAllLines(PROC_STAT).stream()
                    .filter(line -> line.matches("cpu\\d+\\s.*"))
                    .count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy share from two {@code /proc/stat} "cpu" lines: everything but idle and iowait. */
    static double machineBusy(long[] start, long[] end) {
        if (start.length < 5 || end.length != start.length) {
            return -1;
        }
        long total = 0;
        long idle = 0;
        for (int i = 0; i < start.length; i++) {
            long delta = end[i] - start[i];
            total += delta;
            if (i == 3 || i == 4) {
                idle += delta;
            }
        }
        return total <= 0 ? -1 : (total - idle) / (double) total;
    }

    /** The aggregate "cpu" line of /proc/stat as numbers (user nice system idle iowait irq softirq steal ...). */
    static long[] parseCpuLine(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 6 || !fields[0].equals("cpu")) {
            return new long[0];
        }
        // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
        int count = Math.min(fields.length - 1, 8);
        return Arrays.stream(fields, 1, 1 + count).mapToLong(Long::parseLong).toArray();
    }

    private static long[] machineTicks() {
        try {
            return Files.readAllLines(PROC_STAT).stream()
                    .filter(line -> line.startsWith("cpu "))
                    .findFirst()
                    .map(CpuMeter::parseCpuLine)
                    .orElse(new long[0]);
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
