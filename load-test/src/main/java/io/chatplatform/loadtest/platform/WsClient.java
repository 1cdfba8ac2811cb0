package io.chatplatform.loadtest.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.databind.JsonNode;

/**
 * One load client's WebSocket: authenticates with its first frame, hands every later frame to a {@link Listener}
 * (on the connection's event loop, with the time it arrived), and sends frames in the order {@link #send} is called.
 */
final class WsClient {

    /** Receives a connection's frames and its close. Called on Netty event loops: must not block. */
    interface Listener {
        void onFrame(WsClient client, JsonNode frame, long receivedNanos);

        default void onClose(WsClient client, int status) {
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    final int index;
    final int userIndex;
    final Api.Session user;
    private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<JsonNode> ready = Sinks.one();
    private volatile Listener listener;
    private volatile Disposable connection;
    private volatile int closeStatus = -1;

    private WsClient(int index, int userIndex, Api.Session user, Listener listener) {
        this.index = index;
        this.userIndex = userIndex;
        this.user = user;
        this.listener = listener;
    }

    /** Opens a connection with {@code client} (which carries the source address) and completes once it is ready. */
    static Mono<WsClient> connect(HttpClient client, URI uri, String origin, int index, int userIndex,
                                  Api.Session user, Listener listener) {
        WsClient ws = new WsClient(index, userIndex, user, listener);
        return Mono.defer(() -> {
            ws.connection = client
                    .headers(headers -> headers.set("Origin", origin))
                    .websocket()
                    .uri(uri)
                    .handle(ws::session)
                    .subscribe(null, ws.ready::tryEmitError, () -> ws.ready.tryEmitError(
                            new IllegalStateException("closed before ready")));
            return ws.ready.asMono()
                    .timeout(READY_TIMEOUT)
                    .doOnError(e -> ws.close())
                    .thenReturn(ws);
        });
    }

    private Mono<Void> session(WebsocketInbound in, WebsocketOutbound out) {
        in.receiveCloseStatus().subscribe(status -> {
            closeStatus = status.code();
            listener.onClose(this, status.code());
            ready.tryEmitError(new IllegalStateException("closed with " + status.code() + " " + status.reasonText()));
        });
        Mono<Void> reading = in.receive()
                .asString()
                .doOnNext(this::received)
                .then();
        String auth = Api.JSON.writeValueAsString(Map.of("type", "auth", "token", user.token()));
        Mono<Void> writing = out.sendString(Flux.concat(Mono.just(auth), outgoing.asFlux())).then();
        return Mono.when(reading, writing);
    }

    private void received(String text) {
        long now = System.nanoTime();
        JsonNode frame = Api.JSON.readTree(text);
        // The first ready completes the connect; a later one (after a re-auth) goes to the listener.
        if ("ready".equals(frame.path("type").asString()) && ready.tryEmitValue(frame).isSuccess()) {
            return;
        }
        listener.onFrame(this, frame, now);
    }

    /** Sends one frame. Callers from several threads are serialized here. */
    synchronized void send(String frame) {
        outgoing.tryEmitNext(frame);
    }

    void listener(Listener listener) {
        this.listener = listener;
    }

    /** The close code, or -1 while open. */
    int closeStatus() {
        return closeStatus;
    }

    void close() {
        outgoing.tryEmitComplete();
        Disposable open = connection;
        if (open != null) {
            open.dispose();
        }
    }
}
