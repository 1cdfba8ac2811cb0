package io.chatplatform.loadtest.platform;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * The fan-out baseline: a bare Reactor Netty WebSocket server that passes every text frame a connection sends on to
 * every other connection in its room, as it is, with nothing parsed, stored or published. Its deliveries per second
 * are what this machine's loopback, Netty and the load generator allow; the platform's fan-out reads as a share of
 * it. A connection's first frame names its room (the {@code token} of the load client's {@code auth} frame, read with
 * a plain string search) and is answered {@code ready}, so the same load client drives both.
 */
final class BareBroadcastServer implements AutoCloseable {

    private static final String READY = "{\"type\":\"ready\"}";

    private final Map<String, Set<Connection>> rooms = new ConcurrentHashMap<>();
    private final Duration forwardDelay;
    private final DisposableServer server;

    private BareBroadcastServer(String host, Duration forwardDelay) {
        this.forwardDelay = forwardDelay;
        server = HttpServer.create()
                .host(host)
                .port(0)
                .route(routes -> routes.ws("/ws", this::session))
                .bindNow();
    }

    /** Starts on a free port of {@code host}. */
    static BareBroadcastServer start(String host) {
        return new BareBroadcastServer(host, Duration.ZERO);
    }

    /**
     * A server that passes every frame on {@code forwardDelay} late: a platform that delivers everything, but behind,
     * for the tool's own tests of how late deliveries are counted.
     */
    static BareBroadcastServer startDelayed(String host, Duration forwardDelay) {
        return new BareBroadcastServer(host, forwardDelay);
    }

    int port() {
        return server.port();
    }

    /** One connection's outbound queue; emissions from several event loops are serialized here. */
    private static final class Connection {
        final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();

        synchronized void offer(String frame) {
            out.tryEmitNext(frame);
        }
    }

    private Mono<Void> session(WebsocketInbound in, WebsocketOutbound out) {
        Connection connection = new Connection();
        String[] room = new String[1];
        Mono<Void> reading = in.receive()
                .asString()
                .doOnNext(frame -> {
                    if (room[0] == null) {
                        room[0] = roomOf(frame);
                        rooms.computeIfAbsent(room[0], r -> ConcurrentHashMap.newKeySet()).add(connection);
                        connection.offer(READY);
                        return;
                    }
                    if (forwardDelay.isZero()) {
                        forward(room[0], connection, frame);
                    } else {
                        Mono.delay(forwardDelay).subscribe(tick -> forward(room[0], connection, frame));
                    }
                })
                .doFinally(signal -> {
                    if (room[0] != null) {
                        rooms.get(room[0]).remove(connection);
                    }
                    connection.out.tryEmitComplete();
                })
                .then();
        return Mono.when(reading, out.sendString(connection.out.asFlux()).then());
    }

    private void forward(String room, Connection from, String frame) {
        for (Connection member : rooms.get(room)) {
            if (member != from) {
                member.offer(frame);
            }
        }
    }

    /** The value of {@code "token":"..."} in the first frame. */
    static String roomOf(String authFrame) {
        int key = authFrame.indexOf("\"token\":\"");
        if (key < 0) {
            return "";
        }
        int start = key + 9;
        int end = authFrame.indexOf('"', start);
        return end < 0 ? "" : authFrame.substring(start, end);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
