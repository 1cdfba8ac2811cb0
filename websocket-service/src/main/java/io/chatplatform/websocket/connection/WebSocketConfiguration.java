package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.WebSocketProperties;
import io.micrometer.observation.ObservationPredicate;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/** Maps {@code /ws} to the handler, with the inbound frame size limit (a larger frame closes with 1009). */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration {

    static final String PATH = "/ws";

    @Bean
    HandlerMapping webSocketMapping(ChatSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of(PATH, handler), Ordered.HIGHEST_PRECEDENCE);
    }

    /**
     * No HTTP server observation for requests to {@code /ws}: the upgrade's observation would stay open for the
     * connection's whole life, holding a context, a span and their tags for every connected client, and its timer would
     * record connection lifetimes as request durations. What a connection does is observed per frame instead (a send is
     * {@code chat.websocket.send}, the root of its own trace).
     */
    @Bean
    ObservationPredicate noServerObservationForWebSocketConnections() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && PATH.equals(server.getCarrier().getPath().value()));
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter(WebSocketProperties properties) {
        var strategy = new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder()
                .maxFramePayloadLength(properties.maxFrameSize()));
        RequestUpgradeStrategy withoutHeaderCopy = (exchange, handler, subProtocol, handshakeInfo) ->
                strategy.upgrade(exchange, handler, subProtocol, () -> withoutHeaders(handshakeInfo.get()));
        return new WebSocketHandlerAdapter(new HandshakeWebSocketService(withoutHeaderCopy));
    }

    /**
     * The handshake as the session keeps it, without its copy of the request headers: nothing here reads them after
     * the upgrade (the origin and the token are checked from the request and the first frame), and the copy, with its
     * strings, would otherwise stay in memory for as long as the connection.
     */
    static HandshakeInfo withoutHeaders(HandshakeInfo info) {
        return new HandshakeInfo(info.getUri(), HttpHeaders.EMPTY, info.getCookies(), info.getPrincipal(),
                info.getSubProtocol(), info.getRemoteAddress(), info.getAttributes(), info.getLogPrefix());
    }
}
