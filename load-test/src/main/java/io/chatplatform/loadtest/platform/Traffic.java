package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.measure.LatencySummary;
import io.chatplatform.loadtest.measure.OpenLoopSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.JsonNode;

/**
 * Sends over the fleet's WebSockets and what came of them: send→ack at the sender and send→delivery at every other
 * member's connection, both from the send's due time (open model: a stall shows as latency, not as fewer sends), and
 * afterwards the loss check, every acknowledged seq against every connection that should have received it.
 *
 * <p>A message's text carries its phase and due time ({@code lt:<phase>:<dueNanos>:...}); sender and receivers are in
 * this JVM, so {@link System#nanoTime()} is one clock for both.
 */
final class Traffic implements WsClient.Listener {

    static final long HIGHEST_MICROS = Duration.ofMinutes(10).toNanos() / 1000;
    /** After the drain, a phase with deliveries missing is given up on once none has arrived for this long. */
    static final Duration LATE_QUIET = Duration.ofSeconds(15);

    /** A conversation and its members (user indexes into the fleet). */
    record Conversation(String id, int[] members) {
    }

    /** Which conversation send {@code i} of a phase goes to, and who sends it. */
    record Pick(int conversation, int sender) {
    }

    /** Chooses the conversation and sender of each send. */
    interface Workload {
        Pick pick(long sendIndex);
    }

    private final Fleet fleet;
    private final List<Conversation> conversations = new ArrayList<>();
    private final Map<String, Integer> conversationIndex = new HashMap<>();
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final String padding;
    private final Map<Integer, Phase> phases = new ConcurrentHashMap<>();
    private final AtomicInteger phaseCounter = new AtomicInteger();
    private final AtomicLong clientMsgCounter = new AtomicLong();
    private final String runId;
    /** Against the bare baseline server: frames go out as the deliveries themselves, seqs numbered here. */
    private final boolean bare;
    private final Map<Integer, AtomicLong> bareSeqs = new ConcurrentHashMap<>();

    Traffic(Fleet fleet, String runId, int textSize) {
        this(fleet, runId, textSize, false);
    }

    Traffic(Fleet fleet, String runId, int textSize, boolean bare) {
        this.fleet = fleet;
        this.runId = runId;
        this.bare = bare;
        this.padding = "x".repeat(Math.max(0, textSize));
        for (int i = 0; i < fleet.users.size(); i++) {
            userIndex.put(fleet.users.get(i).userId(), i);
        }
    }

    /** Registers a conversation; returns its index. Call before any phase starts. */
    int add(Conversation conversation) {
        conversationIndex.put(conversation.id(), conversations.size());
        conversations.add(conversation);
        return conversations.size() - 1;
    }

    int conversationCount() {
        return conversations.size();
    }

    Conversation conversation(int index) {
        return conversations.get(index);
    }

    /**
     * Sends at {@code rate} per second for {@code warmUp + measured} (the rate ramps up over the first half of the
     * warm-up), from a thread of its own; returns the phase to {@link #finish} once it has been sent.
     */
    Phase start(String name, double rate, Duration warmUp, Duration measured, Workload workload) {
        Phase phase = new Phase(phaseCounter.incrementAndGet(), name, rate, warmUp, measured, workload);
        phases.put(phase.id, phase);
        phase.sender = new Thread(() -> drive(phase), "load-sender-" + name);
        phase.sender.setPriority(Thread.MAX_PRIORITY);
        phase.sender.start();
        return phase;
    }

    private void drive(Phase phase) {
        long end = phase.measureEnd;
        for (long i = 0; ; i++) {
            long due = phase.schedule.intendedTime(i);
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            send(phase, phase.workload.pick(i), due);
        }
    }

    private void send(Phase phase, Pick pick, long due) {
        List<WsClient> connections = fleet.connectionsOf(pick.sender());
        if (connections.isEmpty()) {
            phase.notSent.increment();
            return;
        }
        WsClient connection = connections.get((int) (due & 0x7fffffff) % connections.size());
        if (bare) {
            sendBare(phase, pick, due, connection);
            return;
        }
        String clientMsgId = runId + "-" + clientMsgCounter.incrementAndGet();
        Conversation conversation = conversations.get(pick.conversation());
        phase.pending.put(clientMsgId, new Pending(due, pick.conversation(), pick.sender()));
        phase.sent.increment();
        connection.send("{\"type\":\"send\",\"conversationId\":\"" + conversation.id() + "\",\"clientMsgId\":\""
                + clientMsgId + "\",\"text\":\"lt:" + phase.id + ":" + due + ":" + padding + "\"}");
    }

    /**
     * The bare server passes a frame on as it is, so the frame is already the {@code message} its receivers expect;
     * it counts as acknowledged once written.
     */
    private void sendBare(Phase phase, Pick pick, long due, WsClient connection) {
        long seq = bareSeqs.computeIfAbsent(pick.conversation(), c -> new AtomicLong()).incrementAndGet();
        Conversation conversation = conversations.get(pick.conversation());
        phase.sent.increment();
        phase.acked.increment();
        phase.ledgers[pick.conversation()].acked(seq, pick.sender());
        connection.send("{\"type\":\"message\",\"conversationId\":\"" + conversation.id() + "\",\"message\":{\"seq\":"
                + seq + ",\"senderId\":\"" + connection.user.userId() + "\",\"text\":\"lt:" + phase.id + ":" + due
                + ":" + padding + "\"}}");
    }

    /**
     * Waits for the phase's sends to be made, then up to {@code drain} for its acks and deliveries. Deliveries still
     * missing then are waited for as long as deliveries keep arriving (none for {@link #LATE_QUIET} ends the wait),
     * at most {@code lateWait}: what arrives in that time is counted late ({@code lateDeliveries}), what never
     * arrives lost. An overloaded platform that delivers everything seconds behind is slow, not lossy, and the
     * figures say which.
     */
    Map<String, Object> finish(Phase phase, Duration drain, Duration lateWait) throws InterruptedException {
        phase.sender.join();
        long drainEnd = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < drainEnd && !phase.complete()) {
            Thread.sleep(500);
        }
        phase.drained = true;
        long lateEnd = System.nanoTime() + lateWait.toNanos();
        long seen = phase.deliveries.sum();
        long lastArrival = System.nanoTime();
        while (System.nanoTime() < lateEnd && System.nanoTime() - lastArrival < LATE_QUIET.toNanos()
                && !phase.complete()) {
            Thread.sleep(500);
            long now = phase.deliveries.sum();
            if (now != seen) {
                seen = now;
                lastArrival = System.nanoTime();
            }
        }
        Map<String, Object> figures = phase.figures();
        phases.remove(phase.id);
        return figures;
    }

    @Override
    public void onFrame(WsClient client, JsonNode frame, long receivedNanos) {
        switch (frame.path("type").asString()) {
            case "ack" -> acked(frame, receivedNanos);
            case "error" -> refused(frame);
            case "message" -> delivered(client, frame, receivedNanos);
            default -> {
                // presence, receipts and the like are not measured.
            }
        }
    }

    @Override
    public void onClose(WsClient client, int status) {
        phases.values().forEach(phase -> phase.closed.increment());
    }

    private void acked(JsonNode frame, long now) {
        String clientMsgId = frame.path("clientMsgId").asString();
        for (Phase phase : phases.values()) {
            Pending pending = phase.pending.remove(clientMsgId);
            if (pending != null) {
                phase.acked(pending, frame.path("seq").asLong(), frame.path("duplicate").asBoolean(), now);
                return;
            }
        }
    }

    private void refused(JsonNode frame) {
        String clientMsgId = frame.path("clientMsgId").asString();
        for (Phase phase : phases.values()) {
            if (phase.pending.remove(clientMsgId) != null) {
                phase.errors.computeIfAbsent(frame.path("code").asString("unknown"), code -> new LongAdder())
                        .increment();
                return;
            }
        }
    }

    private void delivered(WsClient client, JsonNode frame, long now) {
        JsonNode message = frame.path("message");
        String text = message.path("text").asString();
        if (!text.startsWith("lt:")) {
            return;
        }
        int second = text.indexOf(':', 3);
        int third = text.indexOf(':', second + 1);
        Phase phase = phases.get(Integer.parseInt(text, 3, second, 10));
        Integer conversation = conversationIndex.get(frame.path("conversationId").asString());
        Integer sender = userIndex.get(message.path("senderId").asString());
        if (phase == null || conversation == null || sender == null || sender == client.userIndex) {
            // Another phase's late arrival, or the sender's own copy (for its other devices): not a delivery here.
            return;
        }
        long due = Long.parseLong(text, second + 1, third, 10);
        phase.delivered(client.index, conversation, message.path("seq").asLong(), due, now);
    }

    /** Who should have received an acknowledged message: every connection of every other member. */
    private List<WsClient> receiversOf(int conversation, int sender) {
        List<WsClient> receivers = new ArrayList<>();
        for (int member : conversations.get(conversation).members()) {
            if (member != sender) {
                receivers.addAll(fleet.connectionsOf(member));
            }
        }
        return receivers;
    }

    private record Pending(long due, int conversation, int sender) {
    }

    /** One measured run at one rate. */
    final class Phase {
        final int id;
        final String name;
        final double rate;
        final OpenLoopSchedule schedule;
        final long measureStart;
        final long measureEnd;
        final Workload workload;
        Thread sender;
        final Map<String, Pending> pending = new ConcurrentHashMap<>();
        final Recorder ackLatency = new Recorder(HIGHEST_MICROS, 3);
        final Recorder deliveryLatency = new Recorder(HIGHEST_MICROS, 3);
        final LongAdder sent = new LongAdder();
        final LongAdder notSent = new LongAdder();
        final LongAdder acked = new LongAdder();
        final LongAdder repeats = new LongAdder();
        final LongAdder deliveries = new LongAdder();
        final LongAdder deliveriesInWindow = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        /** Expected deliveries that arrived after the drain. */
        final LongAdder late = new LongAdder();
        volatile boolean drained;
        final LongAdder closed = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        /** Per conversation: seq → sender of every acknowledged send, and seqs each connection received. */
        final Ledger[] ledgers;

        Phase(int id, String name, double rate, Duration warmUp, Duration measured, Workload workload) {
            this.id = id;
            this.name = name;
            this.rate = rate;
            long start = System.nanoTime();
            this.schedule = new OpenLoopSchedule(start, rate, warmUp.toNanos() / 2);
            this.measureStart = start + warmUp.toNanos();
            this.measureEnd = measureStart + measured.toNanos();
            this.workload = workload;
            this.ledgers = new Ledger[conversations.size()];
            for (int i = 0; i < ledgers.length; i++) {
                ledgers[i] = new Ledger();
            }
        }

        private boolean measured(long due) {
            return due >= measureStart && due < measureEnd;
        }

        void acked(Pending pending, long seq, boolean duplicate, long now) {
            if (duplicate) {
                repeats.increment();
                return;
            }
            acked.increment();
            if (measured(pending.due())) {
                ackLatency.recordValue(micros(now - pending.due()));
            }
            ledgers[pending.conversation()].acked(seq, pending.sender());
        }

        void delivered(int connection, int conversation, long seq, long due, long now) {
            deliveries.increment();
            if (now >= measureStart && now < measureEnd) {
                deliveriesInWindow.increment();
            }
            if (!ledgers[conversation].received(connection, seq)) {
                duplicates.increment();
                return;
            }
            if (drained) {
                late.increment();
            }
            if (measured(due)) {
                deliveryLatency.recordValue(micros(now - due));
            }
        }

        /** Every send answered and every expected delivery received. */
        boolean complete() {
            return pending.isEmpty() && lost() == 0;
        }

        /** Expected deliveries not (yet) received. */
        long lost() {
            long lost = 0;
            for (int c = 0; c < ledgers.length; c++) {
                lost += ledgers[c].missing(c);
            }
            return lost;
        }

        long expected() {
            long expected = 0;
            for (int c = 0; c < ledgers.length; c++) {
                expected += ledgers[c].expected(c);
            }
            return expected;
        }

        Map<String, Object> figures() {
            double seconds = (measureEnd - measureStart) / 1e9;
            Histogram acks = ackLatency.getIntervalHistogram();
            Histogram deliveryHistogram = deliveryLatency.getIntervalHistogram();
            Map<String, Long> errorCounts = new LinkedHashMap<>();
            errors.forEach((code, count) -> errorCounts.put(code, count.sum()));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("phase", name);
            figures.put("targetSendsPerSecond", rate);
            figures.put("sent", sent.sum());
            figures.put("notSent", notSent.sum());
            figures.put("acked", acked.sum());
            figures.put("unanswered", (long) pending.size());
            figures.put("errors", errorCounts);
            figures.put("repeatsAnsweredAsDuplicate", repeats.sum());
            figures.put("ackLatencyMicros", LatencySummary.of(acks));
            figures.put("deliveryLatencyMicros", LatencySummary.of(deliveryHistogram));
            figures.put("deliveries", deliveries.sum());
            figures.put("deliveriesPerSecond", deliveriesInWindow.sum() / seconds);
            figures.put("expectedDeliveries", expected());
            figures.put("lateDeliveries", late.sum());
            figures.put("lostDeliveries", lost());
            figures.put("duplicateDeliveries", duplicates.sum());
            figures.put("connectionsClosedByServer", closed.sum());
            return figures;
        }

        /** One conversation's acknowledged seqs and what each connection received. */
        final class Ledger {
            private final Map<Long, Integer> senders = new HashMap<>();
            private final Map<Integer, BitSet> received = new HashMap<>();
            private final Map<Integer, List<WsClient>> receivers = new HashMap<>();

            private List<WsClient> receivers(int conversation, int sender) {
                return receivers.computeIfAbsent(sender, s -> receiversOf(conversation, s));
            }

            synchronized void acked(long seq, int sender) {
                senders.put(seq, sender);
            }

            /** False when this connection already had this seq. */
            synchronized boolean received(int connection, long seq) {
                BitSet seqs = received.computeIfAbsent(connection, c -> new BitSet());
                if (seq < 0 || seq > Integer.MAX_VALUE || seqs.get((int) seq)) {
                    return false;
                }
                seqs.set((int) seq);
                return true;
            }

            synchronized long missing(int conversation) {
                long missing = 0;
                for (Map.Entry<Long, Integer> acked : senders.entrySet()) {
                    for (WsClient receiver : receivers(conversation, acked.getValue())) {
                        BitSet seqs = received.get(receiver.index);
                        if (seqs == null || !seqs.get(acked.getKey().intValue())) {
                            missing++;
                        }
                    }
                }
                return missing;
            }

            synchronized long expected(int conversation) {
                long expected = 0;
                for (int sender : senders.values()) {
                    expected += receivers(conversation, sender).size();
                }
                return expected;
            }
        }
    }

    static long micros(long nanos) {
        return Math.max(0, Math.min(HIGHEST_MICROS, nanos / 1000));
    }
}
