package io.chatplatform.loadtest.chatsend;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.SendMessageRequest;
import io.chatplatform.contracts.chat.SendMessageResponse;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.loadtest.measure.CpuMeter;
import io.chatplatform.loadtest.measure.LatencySummary;
import io.chatplatform.loadtest.measure.OpenLoopSchedule;
import io.chatplatform.loadtest.measure.PhaseResult;
import io.chatplatform.loadtest.measure.ReportTable;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives SendMessage at a fixed rate (open model, see {@link OpenLoopSchedule}; the rate ramps up over the first half
 * of the warm-up) from one scheduler thread, and
 * records each send's latency from its due time to its acknowledgement, which chat-service sends once the message is
 * stored.
 *
 * <p>At most {@code maxInFlight} sends are outstanding; when the limit is reached the scheduler waits for a free slot,
 * and because latency counts from the due time, that wait is measured too.
 */
final class SendDriver {

    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Error "code" of measured sends the load generator gave up before making, see {@link #drive}. */
    static final String NOT_SENT = "NOT_SENT";

    private final List<ChatServiceGrpc.ChatServiceStub> stubs;
    private final Workload workload;
    private final SeqLedger ledger;
    private final int maxInFlight;
    private final Duration deadline;
    private final SplittableRandom random;
    private final List<SendMessageRequest.Builder> templates;
    private long sendCounter;

    SendDriver(List<ManagedChannel> channels, Workload workload, SeqLedger ledger, int maxInFlight, Duration deadline,
               long seed) {
        this.stubs = channels.stream().map(ChatServiceGrpc::newStub).toList();
        this.workload = workload;
        this.ledger = ledger;
        this.maxInFlight = maxInFlight;
        this.deadline = deadline;
        this.random = new SplittableRandom(seed);
        this.templates = workload.roomIds().stream()
                .map(roomId -> SendMessageRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder()
                                .setId(roomId)
                                .setKind(ConversationKind.CONVERSATION_KIND_ROOM))
                        .setText(workload.text()))
                .toList();
    }

    /**
     * Sends at {@code rate} for {@code warmUp} (not measured) and then {@code measured}, prints a progress line every
     * {@code reportEvery}, waits for the last acknowledgements and returns the measured phase's figures.
     */
    PhaseResult run(double rate, Duration warmUp, Duration measured, Duration reportEvery, PrintStream out)
            throws InterruptedException {
        Phase phase = new Phase(System.nanoTime() + START_DELAY_NANOS, rate, warmUp, measured);
        ScheduledExecutorService cpuTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "load-cpu-meter");
            thread.setDaemon(true);
            return thread;
        });
        cpuTimer.schedule(phase::startCpuMeter, phase.measureStart - System.nanoTime(), TimeUnit.NANOSECONDS);
        cpuTimer.schedule(phase::stopCpuMeter, phase.measureEnd - System.nanoTime(), TimeUnit.NANOSECONDS);
        Thread scheduler = new Thread(() -> drive(phase), "load-scheduler");
        scheduler.setPriority(Thread.MAX_PRIORITY);
        scheduler.start();
        report(phase, scheduler, reportEvery, out);
        cpuTimer.shutdown();
        cpuTimer.awaitTermination(measured.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        boolean drained = phase.permits.tryAcquire(maxInFlight, deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        if (drained) {
            phase.permits.release(maxInFlight);
        } else {
            out.printf("  %d sends still unanswered after their deadline%n", maxInFlight - phase.permits.availablePermits());
        }
        return phase.result();
    }

    /**
     * The scheduler thread: waits for each due time, takes a slot and sends; never waits for answers otherwise. A
     * service that has fallen so far behind that sends are still queued a deadline after the phase ended will not
     * recover within this phase: the rest are given up and counted as {@code NOT_SENT}.
     */
    private void drive(Phase phase) {
        long giveUpAt = phase.measureEnd + deadline.toNanos();
        for (long i = 0; i < phase.total; i++) {
            long due = phase.schedule.intendedTime(i);
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            if (!acquire(phase.permits, giveUpAt - now)) {
                long unsent = phase.total - Math.max(i, phase.firstMeasured);
                phase.errors.computeIfAbsent(NOT_SENT, key -> new LongAdder()).add(unsent);
                return;
            }
            send(phase, i >= phase.firstMeasured, due);
        }
    }

    private static boolean acquire(Semaphore permits, long timeoutNanos) {
        try {
            return permits.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void send(Phase phase, boolean measuredSend, long due) {
        int user = random.nextInt(workload.users());
        int room = workload.roomOf(user);
        SendMessageRequest request = templates.get(room).clone()
                .setSenderUserId(workload.userId(user))
                .setClientMsgId(workload.clientMsgId(sendCounter++))
                .build();
        long sentAt = System.nanoTime();
        if (measuredSend) {
            phase.lag.recordValue(micros(sentAt - due));
        }
        stubs.get((int) (sendCounter % stubs.size()))
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                .sendMessage(request, new Acknowledgement(phase, measuredSend, room, due, sentAt));
    }

    /** Prints a line per interval until the scheduler has made every send of the phase. */
    private static void report(Phase phase, Thread scheduler, Duration every, PrintStream out)
            throws InterruptedException {
        Histogram window = null;
        long last = System.nanoTime();
        while (scheduler.isAlive()) {
            scheduler.join(every.toMillis());
            long now = System.nanoTime();
            window = phase.window.getIntervalHistogram(window);
            String stage = now < phase.measureStart ? "warm-up" : now < phase.measureEnd ? "measure" : "drain";
            out.println(String.format(Locale.ROOT,
                    "  %-7s +%3.0fs  acknowledged %,7.0f/s  p50 %s  p99 %s  max %s ms  in flight %,d  errors %,d",
                    stage, (now - phase.schedule.startNanos()) / 1e9,
                    window.getTotalCount() / ((now - last) / 1e9),
                    ReportTable.millis(window.getValueAtPercentile(50)),
                    ReportTable.millis(window.getValueAtPercentile(99)),
                    ReportTable.millis(window.getMaxValue()),
                    phase.inFlight(), phase.errorCount()));
            last = now;
        }
    }

    private static long micros(long nanos) {
        return Math.max(1, Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }

    /** Counters and histograms of one run at one rate. */
    private final class Phase {
        final OpenLoopSchedule schedule;
        final long measureStart;
        final long measureEnd;
        final long firstMeasured;
        final long total;
        final Duration measured;
        final Semaphore permits = new Semaphore(maxInFlight);
        final Recorder window = new Recorder(1, HIGHEST_MICROS, 3);
        final Recorder latency = new Recorder(1, HIGHEST_MICROS, 3);
        final Recorder serviceTime = new Recorder(1, HIGHEST_MICROS, 3);
        final Recorder lag = new Recorder(1, HIGHEST_MICROS, 3);
        final LongAdder succeeded = new LongAdder();
        final LongAdder completedInWindow = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final Map<String, LongAdder> warmUpErrors = new ConcurrentHashMap<>();
        private volatile CpuMeter.Reading cpuAtStart;
        private volatile CpuMeter.Usage cpu = CpuMeter.Usage.UNKNOWN;

        Phase(long start, double rate, Duration warmUp, Duration measured) {
            // The first half of the warm-up climbs to the rate, the second half holds it before measuring starts.
            this.schedule = new OpenLoopSchedule(start, rate, warmUp.toNanos() / 2);
            this.measureStart = start + warmUp.toNanos();
            this.measureEnd = measureStart + measured.toNanos();
            this.firstMeasured = schedule.countBefore(measureStart);
            this.total = schedule.countBefore(measureEnd);
            this.measured = measured;
        }

        void startCpuMeter() {
            cpuAtStart = CpuMeter.read();
        }

        void stopCpuMeter() {
            CpuMeter.Reading start = cpuAtStart;
            if (start != null) {
                cpu = CpuMeter.since(start);
            }
        }

        int inFlight() {
            return maxInFlight - permits.availablePermits();
        }

        long errorCount() {
            return sum(errors) + sum(warmUpErrors);
        }

        PhaseResult result() {
            Map<String, Long> measuredErrors = new TreeMap<>();
            errors.forEach((code, count) -> measuredErrors.put(code, count.sum()));
            return new PhaseResult(schedule.ratePerSecond(), measured, total - firstMeasured, succeeded.sum(),
                    completedInWindow.sum(), measuredErrors,
                    LatencySummary.of(latency.getIntervalHistogram()),
                    LatencySummary.of(serviceTime.getIntervalHistogram()),
                    LatencySummary.of(lag.getIntervalHistogram()),
                    cpu);
        }

        private static long sum(Map<String, LongAdder> counts) {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    /** One send's answer; runs on a gRPC thread, so it only counts and records. */
    private final class Acknowledgement implements StreamObserver<SendMessageResponse> {
        private final Phase phase;
        private final boolean measuredSend;
        private final int room;
        private final long due;
        private final long sentAt;

        Acknowledgement(Phase phase, boolean measuredSend, int room, long due, long sentAt) {
            this.phase = phase;
            this.measuredSend = measuredSend;
            this.room = room;
            this.due = due;
            this.sentAt = sentAt;
        }

        @Override
        public void onNext(SendMessageResponse response) {
            long now = System.nanoTime();
            ledger.acknowledged(room, response.getSeq(), response.getDuplicate());
            phase.window.recordValue(micros(now - due));
            if (measuredSend) {
                phase.latency.recordValue(micros(now - due));
                phase.serviceTime.recordValue(micros(now - sentAt));
                phase.succeeded.increment();
            }
            if (now >= phase.measureStart && now < phase.measureEnd) {
                phase.completedInWindow.increment();
            }
            phase.permits.release();
        }

        @Override
        public void onError(Throwable error) {
            ledger.failed(room);
            String code = Status.fromThrowable(error).getCode().name();
            (measuredSend ? phase.errors : phase.warmUpErrors).computeIfAbsent(code, key -> new LongAdder())
                    .increment();
            phase.permits.release();
        }

        @Override
        public void onCompleted() {
            // onNext already counted the answer; a unary call completes right after it.
        }
    }
}
