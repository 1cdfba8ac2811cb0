package io.chatplatform.gateway;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A real HTTP server on a free loopback port standing in for one service: it answers every request with JSON naming
 * itself and the URI it got, and keeps what it received. {@code /ws} upgrades get an echo WebSocket that prefixes
 * each text frame with {@code echo:}.
 *
 * <p>A request is kept only once its whole body has arrived, so a request the gateway aborted is never in
 * {@link #received()}. Answers carry a weak {@code Content-Security-Policy} and a {@code Strict-Transport-Security}
 * on purpose: the gateway must replace both with its own policy.
 */
final class StubBackend implements AutoCloseable {

    /** One request as the service saw it. */
    record Received(String method, String uri, HttpHeaders headers, int bodyBytes) {

        /** The {@code X-Forwarded-For} the gateway sent, or {@code null}. */
        String forwardedFor() {
            return headers.get("X-Forwarded-For");
        }

        /** The client address the gateway passed on: the last {@code X-Forwarded-For} entry, or {@code null}. */
        String clientIp() {
            String chain = forwardedFor();
            return chain == null ? null : chain.substring(chain.lastIndexOf(',') + 1).strip();
        }
    }

    private final String name;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final DisposableServer server;

    private StubBackend(String name) {
        this.name = name;
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes
                        .ws("/ws", this::echo)
                        .route(request -> true, this::answer))
                .bindNow();
    }

    static StubBackend start(String name) {
        return new StubBackend(name);
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    String name() {
        return name;
    }

    /** Every complete request so far, in arrival order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        return request.receive()
                .aggregate()
                .asByteArray()
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    received.add(new Received(request.method().name(), request.uri(),
                            request.requestHeaders().copy(), body.length));
                    return response.header("Content-Type", "application/json")
                            .header("Content-Security-Policy", "default-src *")
                            .header("Strict-Transport-Security", "max-age=1")
                            .sendString(Mono.just(json(request, body.length)))
                            .then();
                });
    }

    private Mono<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
        received.add(new Received("GET", "/ws", in.headers().copy(), 0));
        return out.sendString(in.receive()
                        .asString()
                        .map(text -> "echo:" + text))
                .then();
    }

    private String json(HttpServerRequest request, int bodyBytes) {
        return "{\"service\":\"" + name + "\",\"method\":\"" + request.method().name() + "\",\"uri\":\""
                + request.uri().replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"bodyBytes\":" + bodyBytes + "}";
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
