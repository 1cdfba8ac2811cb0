package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.measure.LatencySummary;
import io.chatplatform.loadtest.measure.ReportTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's figures, section by section (setup, each phase, each baseline, ratios, targets): printed as Markdown tables
 * ready for docs/benchmarks.md and written as JSON for tools. Latencies are in microseconds in the JSON and shown in
 * milliseconds in the tables.
 */
final class Report {

    private final String scenario;
    private final Map<String, Object> settings;
    private final List<Map.Entry<String, Map<String, Object>>> sections = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();
    private boolean checksPassed = true;

    Report(String scenario, Map<String, Object> settings) {
        this.scenario = scenario;
        this.settings = settings;
    }

    void section(String name, Map<String, Object> figures) {
        sections.add(Map.entry(name, figures));
    }

    /** A target from the issue, and whether this run met it. */
    void target(String description, boolean met) {
        targets.add((met ? "met" : "NOT met") + ": " + description);
    }

    /** A correctness check (no losses, no errors): a failed one makes the run fail. */
    void check(String description, boolean passed) {
        targets.add((passed ? "passed" : "FAILED") + ": " + description);
        checksPassed &= passed;
    }

    boolean checksPassed() {
        return checksPassed;
    }

    void print(PrintStream out) {
        out.printf("%n## %s%n%n", scenario);
        out.println("| setting | value |");
        out.println("|---|---:|");
        settings.forEach((key, value) -> out.printf("| %s | %s |%n", key, format(value)));
        for (Map.Entry<String, Map<String, Object>> section : sections) {
            out.printf("%n### %s%n%n| figure | value |%n|---|---:|%n", section.getKey());
            section.getValue().forEach((key, value) -> out.printf("| %s | %s |%n", key, format(value)));
        }
        out.printf("%n### Targets and checks%n%n");
        targets.forEach(line -> out.println("- " + line));
    }

    void write(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.put("finishedAt", Instant.now().toString());
        json.put("machine", machine());
        json.put("settings", settings);
        Map<String, Object> body = new LinkedHashMap<>();
        sections.forEach(section -> body.put(section.getKey(), section.getValue()));
        json.put("sections", body);
        json.put("targets", targets);
        json.put("checksPassed", checksPassed);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return machine;
    }

    static String format(Object value) {
        if (value instanceof LatencySummary latency) {
            return latency.count() == 0 ? "n/a" : String.format(Locale.ROOT,
                    "p50 %s · p90 %s · p99 %s · p99.9 %s · max %s ms (%,d)",
                    ReportTable.millis(latency.p50()), ReportTable.millis(latency.p90()),
                    ReportTable.millis(latency.p99()), ReportTable.millis(latency.p999()),
                    ReportTable.millis(latency.max()), latency.count());
        }
        if (value instanceof Double number) {
            return String.format(Locale.ROOT, number >= 100 || number == Math.rint(number) ? "%,.0f" : "%,.3f", number);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? "none" : map.toString();
        }
        return String.valueOf(value);
    }

    /** Bytes as MiB with one decimal, or n/a. */
    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
    }
}
