package io.chatplatform.loadtest.measure;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Formats phase results as a Markdown table, ready to paste into docs/benchmarks.md. */
public final class ReportTable {

    private static final String HEADER = """
            | target msg/s | achieved msg/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | service p99 ms | errors | kept up | JVM CPU µs/send | machine busy |
            |---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|
            """;

    private ReportTable() {
    }

    /** The header and one row per result, in the given order. */
    public static String markdown(List<PhaseResult> results) {
        StringBuilder table = new StringBuilder(HEADER);
        results.forEach(result -> table.append(row(result)).append('\n'));
        return table.toString();
    }

    static String row(PhaseResult result) {
        LatencySummary latency = result.latency();
        return String.format(Locale.ROOT, "| %,d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                Math.round(result.targetRate()),
                result.achievedRate(),
                millis(latency.p50()),
                millis(latency.p90()),
                millis(latency.p99()),
                millis(latency.p999()),
                millis(latency.max()),
                millis(result.serviceTime().p99()),
                errors(result.errors()),
                result.keptUp() ? "yes" : "no",
                result.cpuMicrosPerSend() < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", result.cpuMicrosPerSend()),
                percent(result.cpu().machineBusy()));
    }

    static String percent(double fraction) {
        return fraction < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    /** Microseconds as milliseconds: two decimals below 10 ms, one below 1 s, none above. */
    public static String millis(long micros) {
        double ms = micros / 1000d;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        return String.format(Locale.ROOT, "%,.0f", ms);
    }

    /** {@code 0}, or the total followed by the count per status, e.g. {@code 12 (DEADLINE_EXCEEDED 12)}. */
    static String errors(Map<String, Long> errors) {
        long total = errors.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "0";
        }
        String byCode = new TreeMap<>(errors).entrySet().stream()
                .map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining(", "));
        return total + " (" + byCode + ")";
    }

    /** A one-line summary for the console while a sweep runs. */
    public static String line(PhaseResult result) {
        LatencySummary latency = result.latency();
        return String.format(Locale.ROOT,
                "rate %,d/s: achieved %,.0f/s, %,d of %,d sends acknowledged, latency p50 %s p90 %s p99 %s p99.9 %s "
                        + "max %s ms (service time p99 %s ms), scheduler lag p99 %s ms, errors %s; "
                        + "this JVM used %s cores, the machine was %s busy",
                Math.round(result.targetRate()), result.achievedRate(), result.succeeded(), result.scheduled(),
                millis(latency.p50()), millis(latency.p90()), millis(latency.p99()), millis(latency.p999()),
                millis(latency.max()), millis(result.serviceTime().p99()), millis(result.schedulerLag().p99()),
                errors(result.errors()),
                result.cpu().processCores() < 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.2f", result.cpu().processCores()),
                percent(result.cpu().machineBusy()));
    }
}
