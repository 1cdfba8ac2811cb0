package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.delivery.Frames;
import io.chatplatform.websocket.delivery.Recipient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One connection's state: who it is (once authenticated), its bounded outbound queue, and per conversation the
 * highest log seq it was sent, so a live event that a resume already replayed is not sent twice. While a
 * conversation is being resumed, its live frames wait and follow the replay.
 */
final class ClientSession implements Recipient {

    private static final int REMEMBERED_SEQS = 4096;

    /** Closed when the outbound queue is full: the reader is too slow, it should reconnect and resume. */
    static final CloseStatus TOO_SLOW = new CloseStatus(1013, "Too slow: reconnect and resume");

    private final WebSocketSession socket;
    private final Sinks.Many<String> outbound;
    private final Sinks.Empty<Void> done = Sinks.empty();
    private volatile long lastHeardNanos = System.nanoTime();
    /** Per conversation, the log seqs this connection was sent (the newest {@value #REMEMBERED_SEQS}). */
    private final Map<String, java.util.NavigableSet<Long>> sentSeqs = new HashMap<>();
    private final Map<String, Long> lastTyping = new HashMap<>();
    private final Map<String, List<Pending>> resuming = new HashMap<>();
    private volatile String userId;
    private volatile boolean moderator;
    private volatile String sessionId;
    private volatile java.time.Instant tokenValidUntil;
    private volatile boolean closing;
    private volatile Runnable slowReader = () -> { };

    private record Pending(Frames.Frame frame, String json) {
    }

    ClientSession(WebSocketSession socket, int outboundBuffer) {
        this.socket = socket;
        this.outbound = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(outboundBuffer).get());
    }

    /** Called once if this connection is closed for reading too slowly (for the slow-reader metric). */
    void onSlowReader(Runnable callback) {
        this.slowReader = callback;
    }

    Flux<String> outbound() {
        return outbound.asFlux();
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
            var sent = sentSeqs.computeIfAbsent(frame.conversationId(), id -> new java.util.TreeSet<>());
            if (!sent.add(frame.logSeq())) {
                return;
            }
            if (sent.size() > REMEMBERED_SEQS) {
                sent.pollFirst();
            }
        }
        emit(json);
    }

    private synchronized void emit(String json) {
        if (closing) {
            return;
        }
        Sinks.EmitResult result = outbound.tryEmitNext(json);
        // A full queue reports OVERFLOW, or ZERO_SUBSCRIBER if the socket is not reading from it (yet, or any more).
        if (result == Sinks.EmitResult.FAIL_OVERFLOW || result == Sinks.EmitResult.FAIL_ZERO_SUBSCRIBER) {
            slowReader.run();
            close(TOO_SLOW);
        }
    }

    /** No more frames: completes the outbound stream. */
    synchronized void complete() {
        closing = true;
        outbound.tryEmitComplete();
        done.tryEmitEmpty();
    }

    /** Completes when the connection is done. */
    reactor.core.publisher.Mono<Void> done() {
        return done.asMono();
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
