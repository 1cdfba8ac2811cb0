package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.measure.LatencySummary;
import io.chatplatform.loadtest.measure.OpenLoopSchedule;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Flux;

/**
 * History reads: {@code GET /api/conversations/{id}/messages?limit=N} at a fixed rate (open model), timed from due
 * time to the whole page read, each page checked to hold {@code limit} messages.
 */
final class HistoryLoad {

    /** A conversation to read and a member who may read it. */
    record Reader(Api.Session user, String conversationId) {
    }

    private HistoryLoad() {
    }

    /** Fills each conversation with {@code count} messages over REST, senders taking turns. */
    static void seed(Api api, List<List<Reader>> membersByConversation, int count, int concurrency, PrintStream out) {
        long start = System.nanoTime();
        Flux.fromIterable(membersByConversation)
                .flatMap(members -> Flux.range(0, count)
                        .concatMap(i -> {
                            Reader sender = members.get(i % members.size());
                            return api.post(sender.user(), sender.conversationId(),
                                    "seed-" + sender.conversationId() + "-" + i, "history seed " + i);
                        }), concurrency)
                .blockLast();
        out.printf(Locale.ROOT, "Setup: %,d conversations seeded with %,d messages each in %.1f s (%,d waits for a "
                + "rate limit)%n", membersByConversation.size(), count, (System.nanoTime() - start) / 1e9,
                api.rateLimitWaits());
    }

    /** Reads pages at {@code rate} for {@code warmUp + measured}, round robin over the readers. */
    static Map<String, Object> run(Api api, List<Reader> readers, int page, double rate, Duration warmUp,
                                   Duration measured, Duration drain) throws InterruptedException {
        long start = System.nanoTime();
        OpenLoopSchedule schedule = new OpenLoopSchedule(start, rate, warmUp.toNanos() / 2);
        long measureStart = start + warmUp.toNanos();
        long measureEnd = measureStart + measured.toNanos();
        Recorder latency = new Recorder(Traffic.HIGHEST_MICROS, 3);
        LongAdder requested = new LongAdder();
        LongAdder answered = new LongAdder();
        LongAdder completedInWindow = new LongAdder();
        LongAdder shortPages = new LongAdder();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        for (long i = 0; ; i++) {
            long due = schedule.intendedTime(i);
            if (due >= measureEnd) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Reader reader = readers.get((int) (i % readers.size()));
            requested.increment();
            api.history(reader.user(), reader.conversationId(), page).subscribe(body -> {
                long now = System.nanoTime();
                answered.increment();
                if (body.path("messages").size() < page) {
                    shortPages.increment();
                }
                if (due >= measureStart && due < measureEnd) {
                    latency.recordValue(Traffic.micros(now - due));
                }
                if (now >= measureStart && now < measureEnd) {
                    completedInWindow.increment();
                }
            }, error -> {
                answered.increment();
                String kind = error instanceof Api.UnexpectedStatus status ? "HTTP " + status.status
                        : error.getClass().getSimpleName();
                errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
            });
        }
        long drainEnd = System.nanoTime() + drain.toNanos();
        while (answered.sum() < requested.sum() && System.nanoTime() < drainEnd) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        Map<String, Long> errorCounts = new LinkedHashMap<>();
        errors.forEach((kind, count) -> errorCounts.put(kind, count.sum()));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("phase", "history");
        figures.put("targetReadsPerSecond", rate);
        figures.put("pageSize", page);
        figures.put("requested", requested.sum());
        figures.put("unanswered", requested.sum() - answered.sum());
        figures.put("errors", errorCounts);
        figures.put("shortPages", shortPages.sum());
        figures.put("readsPerSecond", completedInWindow.sum() / (measured.toNanos() / 1e9));
        figures.put("latencyMicros", LatencySummary.of(latency.getIntervalHistogram()));
        return figures;
    }
}
