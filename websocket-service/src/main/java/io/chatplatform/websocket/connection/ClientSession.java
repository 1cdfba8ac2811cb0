package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.delivery.Frames;
import io.chatplatform.websocket.delivery.Recipient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One connection's state: who it is (once authenticated), its bounded outbound queue, and per conversation the
 * highest log seq it was sent, so a live event that a resume already replayed is not sent twice. While a
 * conversation is being resumed, its live frames wait and follow the replay.
 */
final class ClientSession implements Recipient {

    /**
     * Marks a server ping in the outbound queue, between the frames. Compared by identity: a frame's JSON is never this
     * instance (a new String, so no literal shares it).
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String PING = new String("ping");
    private static final byte[] NO_PAYLOAD = new byte[0];
    /** Closed after two ping intervals without a frame or a pong: a half-open TCP connection never says it is gone. */
    static final CloseStatus NO_HEARTBEAT = new CloseStatus(1001, "no heartbeat");
    /** Slots per chunk of the outbound queue: most connections hold a frame or two at a time. */
    private static final int QUEUE_CHUNK = 16;

    /** Closed when the outbound queue is full: the reader is too slow, it should reconnect and resume. */
    static final CloseStatus TOO_SLOW = new CloseStatus(1013, "Too slow: reconnect and resume");

    private final WebSocketSession socket;
    private final Sinks.Many<String> outbound;
    /** Frames queued and not yet taken by the socket, against {@link #outboundLimit}. */
    private final AtomicInteger queued = new AtomicInteger();
    private final int outboundLimit;
    private volatile long lastHeardNanos = System.nanoTime();
    /** Per conversation, the log seqs this connection was sent (among the newest {@value SentSeqs#SPAN}). */
    private final Map<String, SentSeqs> sentSeqs = new HashMap<>();
    private final Map<String, Long> lastTyping = new HashMap<>();
    private final Map<String, List<Pending>> resuming = new HashMap<>();
    private volatile String userId;
    private volatile boolean moderator;
    private volatile String sessionId;
    private volatile java.time.Instant tokenValidUntil;
    /**
     * The timer that closes this connection when its newest token expires. Disposed with the connection: a timer left
     * running would keep the closed connection (its socket, channel and queues) in memory until the token expired.
     */
    private final Disposable.Swap expiryTimer = Disposables.swap();
    private volatile boolean closing;
    private volatile Runnable slowReader = () -> { };

    private record Pending(Frames.Frame frame, String json) {
    }

    ClientSession(WebSocketSession socket, int outboundBuffer) {
        this.socket = socket;
        // A queue that grows in small chunks, bounded by the count below: an array of outboundBuffer slots made up
        // front would cost every idle connection about 4 KiB (1,024 references) for frames it may never queue.
        this.outbound = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>unbounded(QUEUE_CHUNK).get());
        this.outboundLimit = outboundBuffer;
    }

    /** Called once if this connection is closed for reading too slowly (for the slow-reader metric). */
    void onSlowReader(Runnable callback) {
        this.slowReader = callback;
    }

    /** The frames and pings to write, in order. */
    Flux<WebSocketMessage> outbound() {
        return outbound.asFlux()
                .doOnNext(frame -> queued.decrementAndGet())
                .map(frame -> frame == PING
                        ? socket.pingMessage(buffers -> buffers.wrap(NO_PAYLOAD))
                        : socket.textMessage(frame));
    }

    /**
     * A heartbeat ({@link Heartbeats}): a connection that sent nothing for longer than {@code silenceLimitNanos} is
     * closed with 1001; any other is pinged, and its pong counts as hearing from it.
     */
    void heartbeat(long silenceLimitNanos) {
        if (silentForNanos() > silenceLimitNanos) {
            close(NO_HEARTBEAT);
        } else {
            emit(PING);
        }
    }

    String id() {
        return socket.getId();
    }

    @Override
    public String userId() {
        return userId;
    }

    boolean authenticated() {
        return userId != null;
    }

    void authenticatedAs(String userId, String sessionId, boolean moderator) {
        this.moderator = moderator;
        this.sessionId = sessionId;
        this.userId = userId;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public void close(int code, String reason) {
        close(new CloseStatus(code, reason));
    }

    /** Whether the token carries the platform's moderator (or admin) role. */
    boolean moderator() {
        return moderator;
    }

    void tokenValidUntil(java.time.Instant expiresAt) {
        this.tokenValidUntil = expiresAt;
    }

    /**
     * {@code timer} closes the connection when its newest token expires; it replaces (disposes) the previous token's
     * timer. A connection already done disposes it at once.
     */
    void expiryTimer(Disposable timer) {
        expiryTimer.update(timer);
    }

    /** Closes with 1008 if the newest token presented is expired by {@code now}. */
    void closeIfExpired(java.time.Instant expiredAt, java.time.Instant now) {
        java.time.Instant validUntil = tokenValidUntil;
        if (validUntil != null && !validUntil.isAfter(now) && !validUntil.isAfter(expiredAt)) {
            close(CloseStatus.POLICY_VIOLATION.withReason("token expired"));
        }
    }

    /** A frame for this connection alone (replies: ready, ack, error, pong, resume.*). */
    void reply(String json) {
        emit(json);
    }

    /** A live frame: dropped if already sent by a resume, held while its conversation is being resumed. */
    @Override
    public synchronized void deliver(Frames.Frame frame, String json) {
        List<Pending> waiting = resuming.get(frame.conversationId());
        if (waiting != null) {
            waiting.add(new Pending(frame, json));
            return;
        }
        sendInOrder(frame, json);
    }

    /** Live frames of {@code conversationId} wait from now until {@link #resumed}. */
    synchronized void resumeStarted(String conversationId) {
        resuming.putIfAbsent(conversationId, new ArrayList<>());
    }

    /** A replayed entry, in order. */
    synchronized void replay(Frames.Frame frame, String json) {
        sendInOrder(frame, json);
    }

    /** The replay is done: the live frames that waited follow, without the ones it already covered. */
    synchronized void resumed(String conversationId) {
        List<Pending> waiting = resuming.remove(conversationId);
        if (waiting != null) {
            waiting.forEach(pending -> sendInOrder(pending.frame(), pending.json()));
        }
    }

    /**
     * Sends a frame unless this connection already got that log entry: a live event that arrived just before the
     * resume covering it, or the other way round. Each entry goes out once, whichever path brings it first.
     */
    private void sendInOrder(Frames.Frame frame, String json) {
        if (frame.logSeq() > 0) {
            if (!sentSeqs.computeIfAbsent(frame.conversationId(), id -> new SentSeqs()).add(frame.logSeq())) {
                return;
            }
        }
        emit(json);
    }

    private synchronized void emit(String json) {
        if (closing) {
            return;
        }
        // Counted before the emit: a subscriber reading synchronously takes the frame (and counts it out) inside it.
        Sinks.EmitResult result = queued.incrementAndGet() > outboundLimit
                ? Sinks.EmitResult.FAIL_OVERFLOW
                : outbound.tryEmitNext(json);
        if (result.isFailure()) {
            queued.decrementAndGet();
        }
        // A full queue reports OVERFLOW, or ZERO_SUBSCRIBER if the socket is not reading from it (yet, or any more).
        if (result == Sinks.EmitResult.FAIL_OVERFLOW || result == Sinks.EmitResult.FAIL_ZERO_SUBSCRIBER) {
            slowReader.run();
            close(TOO_SLOW);
        }
    }

    /** No more frames: completes the outbound stream. */
    synchronized void complete() {
        closing = true;
        expiryTimer.dispose();
        outbound.tryEmitComplete();
    }


    /** Whether a typing signal for the conversation may go out now (at most one per {@code everyMs}). */
    synchronized boolean mayTyping(String conversationId, long everyMs) {
        long now = System.nanoTime();
        Long last = lastTyping.get(conversationId);
        if (last != null && now - last < everyMs * 1_000_000) {
            return false;
        }
        lastTyping.put(conversationId, now);
        return true;
    }

    /** The peer sent something (a frame, a pong): it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long silentForNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    void close(CloseStatus status) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        socket.close(status).subscribe();
    }
}
