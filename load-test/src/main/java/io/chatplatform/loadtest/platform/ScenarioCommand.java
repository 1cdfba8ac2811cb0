package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.DurationConverter;
import io.chatplatform.loadtest.measure.LatencySummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every scenario against a running platform shares: where the platform is, the measured time, the report, and
 * the exit code (0 when every check passed: nothing lost, nothing refused; targets are reported, not enforced).
 */
abstract class ScenarioCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions platform;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--warm-up", defaultValue = "10s", converter = DurationConverter.class,
            description = "unmeasured load before the measured part; the rate ramps up over its first half "
                    + "(default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "measured time (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--text-size", defaultValue = "100",
            description = "characters of padding per message (default: ${DEFAULT-VALUE})")
    int textSize;

    @Option(names = "--user-prefix", paramLabel = "NAME",
            description = "usernames are NAME-0, NAME-1, ...; an existing user is logged in again "
                    + "(default: a new random prefix per run)")
    String userPrefix;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    final String runId = UUID.randomUUID().toString().substring(0, 6);

    @Override
    public final Integer call() throws Exception {
        List<String> problems = new ArrayList<>();
        platform.validate(problems);
        if (duration.isZero() || duration.isNegative() || warmUp.isNegative() || textSize < 0) {
            problems.add("--duration must be positive, --warm-up and --text-size not negative");
        }
        validate(problems);
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
        PrintStream out = System.out;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("api", platform.api.toString());
        settings.put("chatApi", platform.chatApi().toString());
        settings.put("ws", platform.ws.toString());
        settings.put("sourceAddresses", platform.sourceAddresses);
        settings.put("warmUp", warmUp.toString());
        settings.put("duration", duration.toString());
        settings.put("textSize", textSize);
        settings(settings);
        Report report = new Report(spec.name(), settings);
        Api api = new Api(platform.api, platform.chatApi(), Math.max(64, platform.setupConcurrency * 2));
        run(api, report, out);
        report.print(out);
        Path json = platform.json != null ? platform.json : Path.of("load-test-" + spec.name() + ".json");
        report.write(json);
        out.println();
        out.println("JSON: " + json.toAbsolutePath());
        return report.checksPassed() ? 0 : 1;
    }

    /** Scenario-specific option checks. */
    abstract void validate(List<String> problems);

    /** Scenario-specific settings for the report. */
    abstract void settings(Map<String, Object> settings);

    abstract void run(Api api, Report report, PrintStream out) throws Exception;

    String userPrefix() {
        return userPrefix != null ? userPrefix : "lt" + runId;
    }

    /** Registers and logs in {@code count} users. */
    Fleet users(Api api, int count, PrintStream out) {
        return Fleet.createUsers(api, userPrefix(), count, platform.setupConcurrency, out);
    }

    /** The standard checks of a traffic phase: every send answered and acknowledged, nothing lost or repeated. */
    static void checkTraffic(Report report, Map<String, Object> phase) {
        String name = (String) phase.get("phase");
        report.check(name + ": every send acknowledged (" + phase.get("acked") + " of " + phase.get("sent")
                        + ", errors " + Report.format(phase.get("errors")) + ")",
                phase.get("acked").equals(phase.get("sent")));
        report.check(name + ": no delivery lost (" + phase.get("lostDeliveries") + " of "
                + phase.get("expectedDeliveries") + " expected; " + phase.get("lateDeliveries")
                + " arrived only after the drain)", (long) phase.get("lostDeliveries") == 0);
        report.check(name + ": no delivery twice (" + phase.get("duplicateDeliveries") + ")",
                (long) phase.get("duplicateDeliveries") == 0);
    }

    /** How connecting went, as a report section. */
    static Map<String, Object> connectFigures(Fleet.ConnectResult connected) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("opened", connected.opened());
        figures.put("failed", connected.failed());
        figures.put("connectionsPerSecond", connected.perSecond());
        figures.put("connectLatencyMicros", connected.latency());
        return figures;
    }

    static long p99(Map<String, Object> figures, String key) {
        return ((LatencySummary) figures.get(key)).p99();
    }

    /** Samples memory once a second on a daemon thread while a phase runs; keeps the highest reading. */
    static final class MemoryWatch implements AutoCloseable {
        private final ServerSampler sampler;
        private final Thread thread;
        private volatile long maxRss = -1;
        private volatile long maxHeap = -1;
        private volatile boolean stop;

        MemoryWatch(ServerSampler sampler) {
            this.sampler = sampler;
            this.thread = new Thread(this::loop, "load-memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stop) {
                ServerSampler.Sample sample = sampler.sample();
                maxRss = Math.max(maxRss, sample.rssBytes());
                maxHeap = Math.max(maxHeap, sample.heapUsedBytes());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void addTo(Map<String, Object> figures) {
            figures.put("serverPid", sampler.pid());
            figures.put("serverMaxRss", Report.mib(maxRss));
            figures.put("serverMaxHeapUsed", Report.mib(maxHeap));
        }

        @Override
        public void close() {
            stop = true;
            thread.interrupt();
        }
    }
}
